/* signals.c: SIGINT and SIGTERM for the commands that run a while (ingest, watch): the
 * signals are blocked in every thread and taken by one, which cancels the work. */
#include "cli/commands.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>

struct PdCliSignals {
    GCancellable *cancellable;
    gint done; /* atomic: the work is over, stop listening */
    sigset_t signals;
    GThread *thread;
};

static gpointer
take_signals(gpointer data)
{
    PdCliSignals *s = data;
    struct timespec tick = {0, 100 * 1000 * 1000};
    while (!g_atomic_int_get(&s->done)) {
        if (sigtimedwait(&s->signals, NULL, &tick) > 0)
            g_cancellable_cancel(s->cancellable);
    }
    return NULL;
}

PdCliSignals *
pd_cli_signals_start(GCancellable *cancellable)
{
    PdCliSignals *s = g_new0(PdCliSignals, 1);
    s->cancellable = g_object_ref(cancellable);
    sigemptyset(&s->signals);
    sigaddset(&s->signals, SIGINT);
    sigaddset(&s->signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &s->signals, NULL);
    s->thread = g_thread_new("photodesk-signals", take_signals, s);
    return s;
}

void
pd_cli_signals_stop(PdCliSignals *s)
{
    g_atomic_int_set(&s->done, 1);
    g_thread_join(s->thread);
    g_object_unref(s->cancellable);
    g_free(s);
}
