/* A small command loop for console tests (boot with rdinit=/cmdloop): reads lines from the console and
 * answers them; `quit` powers the machine off. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <termios.h>
#include <unistd.h>

int main(void) {
  char line[256];
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("cmdloop: ready, commands: echo TEXT, harts, quit\n");
  for (;;) {
    printf("cmdloop> ");
    if (!fgets(line, sizeof line, stdin)) break;
    line[strcspn(line, "\r\n")] = 0;
    if (strncmp(line, "echo ", 5) == 0) {
      printf("%s\n", line + 5);
    } else if (strcmp(line, "harts") == 0) {
      cpu_set_t online;
      CPU_ZERO(&online);
      sched_getaffinity(0, sizeof online, &online);
      printf("harts: %d\n", CPU_COUNT(&online));
    } else if (strcmp(line, "quit") == 0) {
      break;
    } else if (line[0] != 0) {
      printf("unknown command: %s\n", line);
    }
  }
  printf("cmdloop: powering off\n");
  tcdrain(1); /* every byte out before the kernel's power-off message */
  sync();
  reboot(RB_POWER_OFF);
  return 1;
}
