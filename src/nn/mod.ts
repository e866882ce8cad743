/**
 * Layers, models, losses and metrics with PyTorch's names and state-dict keys, plus fastai v0.7 layer
 * groups (`layerGroups`, `freezeTo`).
 *
 * @example Usage
 * ```ts
 * import { init, randn, tensor } from "../tensor/mod.ts";
 * import { nllLoss, resnet } from "./mod.ts";
 * await init();
 * const x = randn([2, 3, 32, 32]), y = tensor([3, 7], { dtype: "i32" });
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
