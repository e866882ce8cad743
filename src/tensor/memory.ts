/**
 * The GPU memory of the buffer pool: `memoryStats()` (buffers in use, free in the pool, created) and
 * `trimPool()`, which gives the pool's free buffers back to the device. Disposed tensors return their
 * buffer to the pool, where a later tensor of the same size bucket reuses it without a new
 * allocation. The pool gives memory back by itself past a high-water mark: when its free bytes
 * exceed `highWater` (256 MiB by default), the buffers that no request has reused for
 * `idleAcquires` (10,000) acquisitions are destroyed. A training step reuses its free buffers within
 * a few hundred acquisitions, so a steady loop never loses (and re-creates) one; what goes is the
 * memory of a past working set (a bigger batch, a model you disposed). `trimPool()` frees every free
 * buffer at once.
 *
 * It does not free buffers in use: dispose of the tensors (and optimizers, learners) first.
 * @module
 */

import { type Device, device } from "./device.ts";
import { checkOptions } from "../_options.ts";

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
 * ```ts
 * import { init } from "./mod.ts";
 * await init();
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
 * ```ts
 * import { init, randn } from "./mod.ts";
 * await init();
 * randn([256, 256]).dispose(); // or: learn.dispose() after a run
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

/** Options of {@linkcode setPoolAutoTrim}. */
export interface PoolAutoTrimOptions {
  /** Free bytes the pool may keep before idle buffers are destroyed; `Infinity` turns it off. */
  highWater?: number;
  /** A free buffer not reused for this many acquisitions is idle. */
  idleAcquires?: number;
}

const DEFAULTS = { highWater: 256 * 2 ** 20, idleAcquires: 10_000 };
let auto = { ...DEFAULTS };
let lastSweep = 0;

/**
 * Sets the automatic trim of the pool (see the module doc); `{}` restores the defaults (256 MiB,
 * 10,000 acquisitions). Returns the settings now in force.
 *
 * @example
 * ```ts
 * import { init } from "./mod.ts";
 * await init();
 * setPoolAutoTrim({ highWater: 64 * 2 ** 20 }); // keep at most 64 MiB of idle buffers
 * ```
 */
export function setPoolAutoTrim(options: PoolAutoTrimOptions = {}): Required<PoolAutoTrimOptions> {
  checkOptions("setPoolAutoTrim", options, { highWater: "number", idleAcquires: "integer" });
  const next = {
    ...DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  };
  if (!(next.highWater >= 0)) {
    throw new RangeError(
      `Cannot use setPoolAutoTrim highWater: expected bytes >= 0, got ${next.highWater}`,
    );
  }
  if (!(next.idleAcquires >= 1)) {
    throw new RangeError(
      `Cannot use setPoolAutoTrim idleAcquires: expected an integer >= 1, got ${next.idleAcquires}`,
    );
  }
  auto = next;
  lastSweep = 0;
  return { ...auto };
}

/**
 * @internal Called when a tensor's buffer goes back to the pool: past the high-water mark (checked
 * at most once per `idleAcquires / 8` acquisitions), submits the recorded commands and destroys the
 * idle free buffers.
 */
export function maybeTrim(d: Device): void {
  const pool = d.pool;
  if (pool.freeBytes <= auto.highWater) return;
  const now = pool.clock;
  if (now - lastSweep < Math.max(1, auto.idleAcquires >> 3)) return;
  lastSweep = now;
  d.flush();
  pool.trimIdle(now - auto.idleAcquires);
}
