/**
 * Private: the counters a `Device` reports (`device().stats()`), for tests and benchmarks, and the
 * debug log of each submit.
 * @module
 */
import type { BufferPool, PoolStats } from "./_buffer_pool.ts";
import { debugLevel, debugLog } from "./debug.ts";

/** Counters for tests and benchmarks. */
export interface DeviceStats extends PoolStats {
  /** Pipelines compiled since start. */
  pipelinesCreated: number;
  /** Uniform buffers created since start. */
  uniformsCreated: number;
  /** Bind groups created since start. */
  bindGroupsCreated: number;
  /** Dispatches recorded since start. */
  dispatches: number;
  /** Command buffers submitted since start. */
  submits: number;
  /** Readbacks (`read()`) since start. */
  readbacks: number;
}

/** Logs one submit and its kernels (`TEMPO_DEBUG` >= 1; the pool too at 3). */
export function logSubmit(submit: number, names: Map<string, number>, pool: BufferPool): void {
  let n = 0;
  for (const c of names.values()) n += c;
  const list = [...names].map(([k, c]) => `${k} x${c}`).join(", ");
  debugLog(`[tempo] submit ${submit}: ${n} dispatches: ${list || "(copies only)"}`);
  if (debugLevel >= 3) debugLog(`[tempo] pool: ${JSON.stringify(pool.stats())}`);
}
