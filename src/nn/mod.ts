/**
 * Layers, models, losses and metrics with PyTorch's names and state-dict keys, plus fastai v0.7 layer
 * groups (`layerGroups`, `freezeTo`).
 *
 * @example Usage
 * ```ts ignore
 * import { resnet, nllLoss } from "./mod.ts";
 * const net = resnet({ seed: 0 });
 * const loss = nllLoss(net.forward(x), y);
 * ```
 * @module
 */
export * from "./module.ts";
export * from "./layers.ts";
export * from "./conv_layers.ts";
export * from "./models.ts";
export * from "./metrics.ts";
