/**
 * Private: the parameter groups of an optimizer: their types and the normalisation of what the
 * constructor gets (a flat list, lists, or `{ params, ...hypers }`), with the options check.
 * @module
 */
import { Tensor } from "../tensor/mod.ts";
import type { GroupHypers } from "./hypers.ts";
import { checkOptions } from "../_options.ts";
import { HYPER_SPEC } from "./_hyper_spec.ts";

/** One parameter group with its own hyperparameters (PyTorch's `{"params": [...], "lr": ...}`). */
export interface ParamGroupSpec extends Partial<GroupHypers> {
  /** The parameters of the group. */
  params: readonly Tensor[];
}

/** A flat list of parameters (one group), or a list of groups (lists or `{ params, ...hypers }`). */
export type ParamGroups = readonly Tensor[] | readonly (readonly Tensor[] | ParamGroupSpec)[];

/** The hyperparameters a group may set. */
export const HYPER_KEYS: readonly (keyof GroupHypers)[] = [
  "lr",
  "momentum",
  "beta",
  "weightDecay",
  "decoupledWd",
  "eps",
];

/** Whether `x` is a list of tensors. */
export function isTensorList(x: unknown): x is readonly Tensor[] {
  return Array.isArray(x) && x.every((t) => t instanceof Tensor);
}

/** The groups of an optimizer `name` as specs; throws a `TypeError` on a malformed list. */
export function normalizeGroups(name: string, groups: ParamGroups): ParamGroupSpec[] {
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new TypeError(
      `Cannot create ${name}: expected a non-empty list of parameters or of parameter groups, got ${
        Array.isArray(groups) ? "[]" : String(groups)
      }`,
    );
  }
  if (isTensorList(groups)) return [{ params: groups }];
  const list = groups as readonly (readonly Tensor[] | ParamGroupSpec)[];
  return list.map((g, i) => {
    if (isTensorList(g)) return { params: g };
    if (g && typeof g === "object" && isTensorList((g as ParamGroupSpec).params)) {
      checkOptions(`${name} group ${i}`, g, { params: "array", ...HYPER_SPEC });
      return g as ParamGroupSpec;
    }
    throw new TypeError(
      `Cannot create ${name}: group ${i} is not a list of tensors nor { params: Tensor[] }`,
    );
  });
}
