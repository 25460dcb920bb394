/* failpoint.h - deterministic crash points for crash-consistency tests.
 *
 * With AFFLUENT_CRASH_AT=N in the environment, the N-th call to
 * af_failpoint() in the process kills it with SIGKILL: no cleanup handler,
 * no atexit, no flushed buffer, just like a power cut or an OOM kill.
 * Every durable step calls it (each store write, publish, put-if-absent
 * and delete; each state file written), so a test can stop a run after
 * any of them and check what a reader sees. Unset, it costs one load of a
 * cached flag.
 */
#ifndef AF_FAILPOINT_H
#define AF_FAILPOINT_H

/* `site` names the step (for AFFLUENT_CRASH_TRACE=1, which prints each
 * site with its number to stderr so tests can count them). */
void af_failpoint(const char *site);

#endif
