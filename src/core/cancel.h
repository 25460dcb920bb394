/* cancel.h - one process-wide stop request, raised by SIGINT/SIGTERM.
 *
 * The signal handler only sets an atomic flag. Blocking reads notice it
 * through EINTR: the runner interrupts its worker threads with SIGUSR1 (a
 * no-op handler installed without SA_RESTART), and readers check
 * af_cancel_requested() when a call returns EINTR.
 */
#ifndef AF_CANCEL_H
#define AF_CANCEL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

/* Installs handlers for SIGINT and SIGTERM (set the flag) and SIGUSR1 (wakes
 * a blocked system call). Idempotent. */
void af_cancel_install_signal_handlers(void);
void af_cancel_request(void);
/* True when the process was asked to stop, or when the calling thread's
 * bound stop flag (af_cancel_bind) is set. */
bool af_cancel_requested(void);
/* Binds a per-thread stop flag (a stream's cancel flag) so blocking reads in
 * this thread also give up when only that stream is stopped. NULL unbinds. */
void af_cancel_bind(atomic_bool *flag);
/* Interrupts a blocking system call in `thread` (SIGUSR1), if the handlers
 * are installed; a no-op otherwise, since SIGUSR1 would then kill the process. */
void af_cancel_interrupt(pthread_t thread);
/* The signal that raised the request (0 if none or raised by code). */
int af_cancel_signal(void);
/* Clears the flag (tests). */
void af_cancel_reset(void);

#endif
