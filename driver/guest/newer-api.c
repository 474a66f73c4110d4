/* kernel32 functions newer than NT 5.2, looked up by name (newer-api.h). */
#include "newer-api.h"

static FARPROC kernel32(const char *name)
{
    HMODULE k = GetModuleHandleW(L"kernel32.dll");
    return k ? GetProcAddress(k, name) : NULL;
}

cancel_synchronous_io_fn api_cancel_synchronous_io(void)
{
    static cancel_synchronous_io_fn f;
    static int looked;
    if (!looked) {
        f = (cancel_synchronous_io_fn)(void (*)(void))kernel32("CancelSynchronousIo");
        looked = 1;
    }
    return f;
}

cancel_io_ex_fn api_cancel_io_ex(void)
{
    static cancel_io_ex_fn f;
    static int looked;
    if (!looked) {
        f = (cancel_io_ex_fn)(void (*)(void))kernel32("CancelIoEx");
        looked = 1;
    }
    return f;
}
