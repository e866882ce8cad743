/**
 * The GPU memory of the buffer pool: `memoryStats()` (buffers in use, free in the pool, created) and
 * `trimPool()`, which gives the pool's free buffers back to the device. Disposed tensors return their
 * buffer to the pool, where a later tensor of the same size bucket reuses it without a new
 * allocation; the pool never shrinks by itself, so after a phase that used more memory than what
 * follows (a bigger batch, a model you disposed), `trimPool()` frees the difference.
 *
 * It does not free buffers in use: dispose of the tensors (and optimizers, learners) first.
 * @module
 */

import { device } from "./device.ts";

/** Counters of the pool, with the free part spelled out. */
export interface MemoryStats {
  /** Buffers that hold a live tensor (or optimizer state, uniforms of the pool). */
  inUseBuffers: number;
  /** Bytes of those buffers. */
  inUseBytes: number;
  /** Buffers released to the pool, kept for reuse. */
  freeBuffers: number;
  /** Bytes of those buffers (what {@linkcode trimPool} gives back). */
  freeBytes: number;
  /** Buffers created since the start (never decreases). */
  created: number;
}

/**
 * The pool's memory right now.
 *
 * @example
 * ```ts ignore
 * const { inUseBytes, freeBytes } = memoryStats();
 * ```
 */
export function memoryStats(): MemoryStats {
  const s = device().pool.stats();
  return {
    inUseBuffers: s.inUseBuffers,
    inUseBytes: s.inUseBytes,
    freeBuffers: s.liveBuffers - s.inUseBuffers,
    freeBytes: s.liveBytes - s.inUseBytes,
    created: s.created,
  };
}

/**
 * Destroys every free buffer of the pool (commands recorded so far are submitted first, so no
 * pending work loses a buffer) and returns how many buffers and bytes went back to the device.
 *
 * @example
 * ```ts ignore
 * learn.dispose();
 * const { bytes } = trimPool(); // the memory of the finished run, back to the driver
 * ```
 */
export function trimPool(): { buffers: number; bytes: number } {
  const d = device();
  d.flush();
  const before = d.pool.stats().liveBytes;
  const buffers = d.pool.trim();
  return { buffers, bytes: before - d.pool.stats().liveBytes };
}
