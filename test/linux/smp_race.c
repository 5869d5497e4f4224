/* /init of the test initramfs: one thread pinned to every CPU races on a plain counter and adds to a
 * mutex-guarded one, then the results are printed and the machine is powered off. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/reboot.h>
#include <termios.h>
#include <unistd.h>

#define MAX_THREADS 64
#define ROUNDS 20000

static volatile long racy;             /* updated with a plain load and store: updates get lost */
static long locked;                    /* updated under the mutex: never loses one */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t start;
static int ran_on[MAX_THREADS];

static void *worker(void *arg) {
  int index = (int)(long)arg;
  pthread_barrier_wait(&start);
  for (int i = 0; i < ROUNDS; i++) {
    racy = racy + 1;
    pthread_mutex_lock(&lock);
    locked = locked + 1;
    pthread_mutex_unlock(&lock);
  }
  ran_on[index] = sched_getcpu();
  return NULL;
}

int main(void) {
  cpu_set_t online;
  CPU_ZERO(&online);
  sched_getaffinity(0, sizeof online, &online);
  int cpus[MAX_THREADS], count = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE && count < MAX_THREADS; cpu++)
    if (CPU_ISSET(cpu, &online)) cpus[count++] = cpu;
  printf("smp-race: %d cpus online, one thread on each, %d rounds each\n", count, ROUNDS);
  pthread_barrier_init(&start, NULL, (unsigned)count);
  pthread_t threads[MAX_THREADS];
  for (int t = 0; t < count; t++) {
    pthread_attr_t attr;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpus[t], &one);
    pthread_attr_init(&attr);
    pthread_attr_setaffinity_np(&attr, sizeof one, &one);
    if (pthread_create(&threads[t], &attr, worker, (void *)(long)t) != 0) {
      printf("smp-race: cannot start thread %d\n", t);
      break;
    }
    pthread_attr_destroy(&attr);
  }
  for (int t = 0; t < count; t++) pthread_join(threads[t], NULL);
  for (int t = 0; t < count; t++) printf("smp-race: thread %d ran on cpu %d\n", t, ran_on[t]);
  long expected = (long)count * ROUNDS;
  printf("smp-race: locked counter %ld of %ld: %s\n", locked, expected, locked == expected ? "ok" : "WRONG");
  printf("smp-race: racy counter %ld of %ld (%ld updates lost)\n", (long)racy, expected, expected - racy);
  printf("smp-race: powering off\n");
  fflush(stdout);
  /* Wait until the UART has sent every byte: the kernel's own power-off message would otherwise overtake the tail
     of ours, by however far the transmitter is behind. */
  tcdrain(1);
  sync();
  reboot(RB_POWER_OFF);
  return 1;
}
