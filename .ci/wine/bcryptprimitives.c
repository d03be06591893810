/*
 * A stand-in for Windows' bcryptprimitives.dll, which Wine 8 (Debian 12's)
 * lacks: the Go runtime (1.22 and later) loads it at start-up for
 * ProcessPrng and dies without it, before any test runs. Wine 9 and later
 * ship the DLL; this one is installed only into the CI's own Wine prefix.
 * ProcessPrng fills the buffer from RtlGenRandom (advapi32's
 * SystemFunction036), which Wine 8 has.
 */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        /* RtlGenRandom takes a ULONG length. */
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!RtlGenRandom(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
