# Included by every example's Makefile: builds $(NAME).elf from $(NAME).c (plus $(EXTRA)) and the runtime in
# common/, and `make record` re-makes the committed recording with the same options as the launch.json record config.
CC := riscv64-unknown-elf-gcc
COMMON := ../common
ARCH := -march=rv64gc -mabi=lp64d -mcmodel=medany
# Source paths in the debug information start with /hartline/examples wherever the ELF is built; each launch.json
# maps that prefix back to this folder with "sourceMap".
CFLAGS := $(ARCH) -Og -g -Wall -Wextra -I$(COMMON) --specs=picolibc.specs -ffile-prefix-map=$(abspath ..)=/hartline/examples
LDFLAGS := -nostartfiles -T $(COMMON)/guest.ld -Wl,--no-warn-rwx-segments
LIB := $(COMMON)/crt.S $(COMMON)/hart.c $(COMMON)/console.c $(COMMON)/finisher.c
HARTLINE := node $(abspath ../../bin/hartline.js)

all: $(NAME).elf

$(NAME).elf: $(NAME).c $(EXTRA) $(LIB) $(COMMON)/guest.h $(COMMON)/guest.ld $(COMMON)/example.mk Makefile
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(NAME).c $(EXTRA) $(LIB)

# The recording is committed; `make record` rewrites it (the exit code of a buggy run is not an error here).
record: $(NAME).elf
	-$(HARTLINE) record $(abspath $(NAME).elf) -o $(NAME).hartrec $(RECORD)
	@ls -l $(NAME).hartrec

clean:
	rm -f $(NAME).elf

.PHONY: all record clean
