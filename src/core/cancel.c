/* cancel.c - the stop flag and the signal handlers that raise it. */
#include "core/cancel.h"

#include <signal.h>
#include <stdatomic.h>
#include <string.h>

static atomic_bool cancel_flag;
static atomic_bool handlers_installed;
static _Thread_local atomic_bool *thread_flag;
static volatile sig_atomic_t cancel_signo;

static void on_stop_signal(int signo)
{
    cancel_signo = signo;
    atomic_store(&cancel_flag, true);
}

static void on_wake_signal(int signo)
{
    (void)signo;
}

void af_cancel_install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    /* no SA_RESTART: a blocked read() must return EINTR so it can see the flag */
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_wake_signal;
    sigaction(SIGUSR1, &sa, NULL);
    atomic_store(&handlers_installed, true);
}

void af_cancel_bind(atomic_bool *flag)
{
    thread_flag = flag;
}

void af_cancel_interrupt(pthread_t thread)
{
    if (atomic_load(&handlers_installed))
        pthread_kill(thread, SIGUSR1);
}

void af_cancel_request(void)
{
    atomic_store(&cancel_flag, true);
}

bool af_cancel_requested(void)
{
    return atomic_load(&cancel_flag) || (thread_flag && atomic_load(thread_flag));
}

int af_cancel_signal(void)
{
    return (int)cancel_signo;
}

void af_cancel_reset(void)
{
    atomic_store(&cancel_flag, false);
    cancel_signo = 0;
}
