/**
 * Private: the counters a `Device` reports (`device().stats()`), for tests and benchmarks.
 * @module
 */
import type { PoolStats } from "./_buffer_pool.ts";

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
