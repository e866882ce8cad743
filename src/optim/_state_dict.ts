/**
 * Private: the shape of an optimizer's state dict and its validation before a load (the optimizer
 * type, the group layout, every state buffer's name and size), so a load never half-happens.
 * @module
 */
import { type GroupHypers, validateHypers } from "./hypers.ts";

/** What {@linkcode Optimizer.stateDict} returns: plain CPU data, JSON-friendly apart from the arrays. */
export interface OptimizerStateDict {
  /** Name of the optimizer that saved it: "SGD", "Adam" or "RMSProp". */
  optimizerName: string;
  /** Hyperparameters and flat parameter indices of each group. */
  groups: { hypers: GroupHypers; params: number[] }[];
  /** Per parameter (flat index): step count, update-rule tag and state buffers by PyTorch name. */
  state: { step: number; tag: number; buffers: Record<string, Float32Array> }[];
}

/** What a state dict must match to load into an optimizer. */
export interface StateLayout {
  name: string;
  groupSizes: readonly number[];
  paramSizes: readonly number[];
  stateNames: readonly string[];
  allocate: readonly boolean[];
}

/** Throws a `TypeError` saying what differs when `sd` cannot load into an optimizer laid out as `o`. */
export function checkStateDict(sd: OptimizerStateDict, o: StateLayout): void {
  const where = `Cannot load a state dict into ${o.name}`;
  if (sd?.optimizerName !== o.name) {
    throw new TypeError(`${where}: it comes from ${String(sd?.optimizerName)}`);
  }
  const sizes = o.groupSizes;
  const got = sd.groups?.map((g) => g.params.length) ?? [];
  if (sizes.join() !== got.join()) {
    throw new TypeError(
      `${where}: expected groups of [${sizes}] parameters, got [${got}]`,
    );
  }
  if (sd.state?.length !== o.paramSizes.length) {
    throw new TypeError(
      `${where}: expected state for ${o.paramSizes.length} parameters, got ${sd.state?.length}`,
    );
  }
  sd.groups.forEach((g, k) => validateHypers(g.hypers, `${where}: group ${k}`));
  sd.state.forEach((s, i) => {
    o.stateNames.forEach((name, k) => {
      if (!o.allocate[k]) return;
      const b = s.buffers?.[name];
      if (!b || b.length !== o.paramSizes[i]!) {
        throw new TypeError(
          `${where}: parameter ${i} needs '${name}' of ${o.paramSizes[i]!} values, got ${
            b ? b.length : "none"
          }`,
        );
      }
    });
  });
}
