/**
 * Private: the identity of the adapter behind a `Device` (vendor, architecture, device, description),
 * recorded by `init()`, as the key kernel tuning is stored under. No GPU work.
 * @module
 */
import type { Device } from "./device.ts";

const keys = new WeakMap<Device, string>();

/** The fields of `GPUAdapterInfo` the key is made of. */
export interface AdapterIdentity {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

/** Records the adapter of `dev` (called once by `init()`). */
export function noteAdapter(dev: Device, info: AdapterIdentity): void {
  keys.set(dev, adapterKeyOf(info));
}

/** `vendor/architecture/device/description`, each part as the adapter reports it (empty if none). */
export function adapterKeyOf(info: AdapterIdentity): string {
  return [info.vendor, info.architecture, info.device, info.description].map((s) => s ?? "").join(
    "/",
  );
}

/** Whether `dev` has the `subgroups` feature (`init()` requests it where the adapter has it). */
export const hasSubgroups = (dev: Device): boolean => dev.gpu.features.has("subgroups");

/** The adapter key of `dev`: its recorded identity, else its description alone. */
export function adapterKey(dev: Device): string {
  return keys.get(dev) ?? adapterKeyOf({ description: dev.description });
}
