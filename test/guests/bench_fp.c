/* Guest "bench_fp": a CPU-bound floating-point mix (double matrix products with fused multiply-adds, a float
   n-body step with square roots and divisions, conversions to and from integers), the FP program of
   `npm run bench` and of the semantics figures in bench/README.md; prints a checksum and exits. */
#include <stdio.h>
#include <stdint.h>
#include "guest.h"

#ifndef FP_ROUNDS
#define FP_ROUNDS 100
#endif
#define N 24
#define BODIES 48

static double a[N][N], b[N][N], c[N][N];
static float px[BODIES], py[BODIES], vx[BODIES], vy[BODIES], mass[BODIES];

static __attribute__((noinline)) void matmul(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      double s = 0.0;
      for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
      c[i][j] = s;
    }
  /* Feed the product back, scaled, so values stay finite but keep changing. */
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) a[i][j] = c[i][j] / (1.0 + c[i][j] * c[i][j]) + (double)((i ^ j) & 7) * 0.125;
}

static __attribute__((noinline)) void step(float dt) {
  for (int i = 0; i < BODIES; i++) {
    float ax = 0.0f, ay = 0.0f;
    for (int j = 0; j < BODIES; j++) {
      if (j == i) continue;
      float dx = px[j] - px[i], dy = py[j] - py[i];
      float d2 = dx * dx + dy * dy + 0.01f;
      float inv = 1.0f / (d2 * __builtin_sqrtf(d2));
      ax += dx * mass[j] * inv;
      ay += dy * mass[j] * inv;
    }
    vx[i] += ax * dt;
    vy[i] += ay * dt;
  }
  for (int i = 0; i < BODIES; i++) {
    px[i] += vx[i] * dt;
    py[i] += vy[i] * dt;
  }
}

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = (double)(i + 1) / (double)(j + 2);
      b[i][j] = (double)((i * 7 + j * 3) % 11) * 0.1 - 0.5;
    }
  for (int i = 0; i < BODIES; i++) {
    px[i] = (float)(i % 7) - 3.0f;
    py[i] = (float)(i / 7) - 3.5f;
    vx[i] = vy[i] = 0.0f;
    mass[i] = 1.0f + (float)(i & 3) * 0.25f;
  }
  uint64_t sum = 0;
  for (int r = 0; r < FP_ROUNDS; r++) {
    matmul();
    for (int s = 0; s < 8; s++) step(0.001f);
    for (int i = 0; i < N; i++) sum = (sum ^ (uint64_t)(int64_t)(c[i][i] * 1e6)) * 0x100000001b3ULL;
    for (int i = 0; i < BODIES; i++) sum = (sum ^ (uint32_t)(int32_t)(px[i] * 1e4f)) * 0x100000001b3ULL;
  }
  printf("bench_fp rounds=%d checksum=%016lx\n", FP_ROUNDS, (unsigned long)sum);
  return 0;
}
