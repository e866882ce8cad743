/**
 * tempo data: dataset readers (IDX / Fashion-MNIST, CIFAR-10 binary, image folders), fastai-style transforms,
 * a prefetching `DataLoader` yielding CPU batches `{ x, y, shape }` (NCHW float32), and `ImageClassifierData`.
 * @module
 */

export * from "./errors.ts";
export * from "./idx.ts";
export * from "./fashion_mnist.ts";
export * from "./cifar10.ts";
export * from "./image_ops.ts";
export * from "./image_decode.ts";
export * from "./dataset.ts";
export * from "./image_folder.ts";
export * from "./transforms.ts";
export * from "./data_loader.ts";
export * from "./data_bunch.ts";
