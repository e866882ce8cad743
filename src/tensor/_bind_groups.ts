/**
 * Private: the bind groups of a device, cached by kernel and resources, built by binding NAME: a
 * dispatch gives its buffers as `{ P: u, a: x, out: y }`, the names of its WGSL, and the kernel's
 * generated binding table (`bindings` of `_shaders.ts`) turns them into indices. A name the entry
 * point does not use, or one it uses and the dispatch lacks, is a `TypeError`, not a wrong binding.
 * @module
 */
import type { BufferPool, PooledBuffer } from "./_buffer_pool.ts";
import type { ErrorScopes } from "./_errors.ts";
import type { Kernel } from "./_kernels.ts";
import { checkFits, type DeviceLimits } from "./_limits.ts";

/** The buffers of one dispatch, by the binding names of its entry point's WGSL. */
export type Bindings = Readonly<Record<string, PooledBuffer>>;

const MAX_BIND_GROUPS = 8192;

/** The `TypeError` of a binding name `kernel`'s entry point does not use, or one it lacks. */
function badBinding(kernel: Kernel, name: string, missing: boolean): TypeError {
  return new TypeError(
    `Cannot dispatch kernel '${kernel.name}': ` +
      (missing ? `binding '${name}' is missing` : `it has no binding '${name}'`) +
      ` (expected ${kernel.slots.join(", ")})`,
  );
}

/** The bind groups of one device; see the module doc. */
export class BindGroups {
  #gpu: GPUDevice;
  #scopes: ErrorScopes;
  #limits: DeviceLimits;
  #pool: BufferPool;
  #dummy: PooledBuffer;
  #spare: PooledBuffer[] = [];
  #cache = new Map<string, GPUBindGroup>();
  #slices = new Map<string, PooledBuffer>();
  /** Bind groups created since the start. */
  created = 0;

  constructor(
    gpu: GPUDevice,
    scopes: ErrorScopes,
    limits: DeviceLimits,
    pool: BufferPool,
    dummy: PooledBuffer,
  ) {
    this.#gpu = gpu;
    this.#scopes = scopes;
    this.#limits = limits;
    this.#pool = pool;
    this.#dummy = dummy;
    // made up front, so that a first bind group late in a run allocates nothing (12: three states
    // of each of the 4 tensors of a fused optimizer step)
    for (let i = 0; i < 12; i++) this.#spare.push(pool.acquire(4));
  }

  /** The bind group of `kernel` with `buffers` by name (cached: no allocation on a hit). */
  ofBuffers(
    kernel: Kernel,
    buffers: Bindings,
    workgroups: [number, number?, number?],
    what?: () => string,
  ): GPUBindGroup {
    const slots = kernel.slots;
    let key = String(kernel.id);
    for (let i = 0; i < slots.length; i++) {
      const b = buffers[slots[i]!];
      if (b === undefined) throw badBinding(kernel, slots[i]!, true);
      key += "," + b.id;
    }
    const hit = this.#cache.get(key);
    if (hit) {
      if (workgroups[0] > 65535 || (workgroups[1] ?? 1) > 65535 || (workgroups[2] ?? 1) > 65535) {
        checkFits(this.#limits, kernel.name, [], workgroups, what);
      }
      return hit;
    }
    for (const n in buffers) if (!(n in kernel.index)) throw badBinding(kernel, n, false);
    const sizes: number[] = [];
    for (const n of slots) sizes[kernel.index[n]!] = buffers[n]!.size;
    checkFits(this.#limits, kernel.name, Array.from(sizes, (x) => x ?? 0), workgroups, what);
    // Browsers reject one buffer bound at two writable bindings (Deno does not): a repeated
    // stand-in gets a dummy of its own.
    let spare = 0;
    const seen = new Set<PooledBuffer>();
    const entries = slots.map((n) => {
      let b = buffers[n]!;
      if (b === this.#dummy && seen.has(b)) b = this.#spareDummy(spare++);
      seen.add(b);
      return {
        binding: kernel.index[n]!,
        resource: b.offset === undefined
          ? { buffer: b.buffer }
          : { buffer: b.buffer, offset: b.offset, size: b.size },
      };
    });
    return this.#create(key, kernel, entries, what);
  }

  /** The bind group of `kernel` with explicit `resources` by name, cached under `key`. */
  ofEntries(
    kernel: Kernel,
    key: string,
    resources: () => Readonly<Record<string, GPUBindingResource>>,
    workgroups: [number, number?, number?],
    what?: () => string,
  ): GPUBindGroup {
    const k = `${kernel.id}|${key}`;
    const hit = this.#cache.get(k);
    if (hit) return hit;
    const named = resources();
    for (const n in named) if (!(n in kernel.index)) throw badBinding(kernel, n, false);
    const entries = kernel.slots.map((n) => {
      const resource = named[n];
      if (resource === undefined) throw badBinding(kernel, n, true);
      return { binding: kernel.index[n]!, resource };
    });
    const sizes: number[] = [];
    for (const e of entries) {
      const r = e.resource as GPUBufferBinding;
      sizes[e.binding] = r.buffer instanceof GPUBuffer
        ? r.size ?? r.buffer.size - (r.offset ?? 0)
        : 0;
    }
    checkFits(this.#limits, kernel.name, Array.from(sizes, (x) => x ?? 0), workgroups, what);
    return this.#create(k, kernel, entries, what);
  }

  /** Forgets every bind group. */
  clear(): void {
    this.#cache.clear();
  }

  /**
   * The `bytes` bytes of `buf` from `byteOffset` as a buffer to bind, with a stable id (from `ids`)
   * for bind-group caching; `buf` itself when that is all of it.
   */
  slice(buf: PooledBuffer, byteOffset: number, bytes: number, ids: () => number): PooledBuffer {
    const offset = (buf.offset ?? 0) + byteOffset;
    if (offset === 0 && bytes === buf.size && buf.offset === undefined) return buf;
    const key = `${buf.id}:${offset}:${bytes}`;
    let s = this.#slices.get(key);
    if (!s) {
      if (this.#slices.size >= MAX_BIND_GROUPS) this.#slices.clear();
      s = { id: ids(), buffer: buf.buffer, size: bytes, offset };
      this.#slices.set(key, s);
    }
    return s;
  }

  #create(
    key: string,
    kernel: Kernel,
    entries: GPUBindGroupEntry[],
    what?: () => string,
  ): GPUBindGroup {
    if (this.#cache.size >= MAX_BIND_GROUPS) this.#cache.clear();
    const group = this.#scopes.guard(
      () => `The bind group of ${what ? what() + " " : ""}(kernel '${kernel.name}')`,
      () => this.#gpu.createBindGroup({ layout: kernel.pipeline.getBindGroupLayout(0), entries }),
    );
    this.#cache.set(key, group);
    this.created++;
    return group;
  }

  /** The `i`-th extra 4-byte stand-in. */
  #spareDummy(i: number): PooledBuffer {
    while (this.#spare.length <= i) this.#spare.push(this.#pool.acquire(4));
    return this.#spare[i]!;
  }
}
