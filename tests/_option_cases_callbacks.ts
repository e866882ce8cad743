/**
 * Bad-input cases of `tests/bad_input_options_test.ts`: the built-in callbacks and
 * `Learner.schedulePreview`.
 * @module
 */
import {
  CSVLogger,
  DivergenceGuard,
  EarlyStopping,
  GradientAccumulation,
  GradientClip,
  SaveCheckpoint,
  SaveModel,
} from "../src/sched/mod.ts";
import { type Case, learner, phase } from "./_option_cases_train.ts";

/** The cases of src/sched/callbacks and the schedule preview. */
export const CALLBACK_CASES: Case[] = [
  {
    types: ["EarlyStoppingOptions"],
    what: "EarlyStopping",
    call: (o) => new EarlyStopping(o),
    good: { monitor: "accuracy", patience: 2 },
    cheap: true,
    typo: ["min_delta", 0.1, "minDelta"],
    wrong: ["mode", "lowest", /expected one of "min", "max"/],
  },
  {
    types: ["SaveModelOptions"],
    what: "SaveModel",
    call: (o) => new SaveModel(o as never),
    good: { path: "best.safetensors" },
    cheap: true,
    typo: ["every_epoch", true, "every"],
    wrong: ["path", 3, /expected a path/],
  },
  {
    types: ["GradientClipOptions"],
    what: "GradientClip",
    call: (o) => new GradientClip(o),
    good: { maxNorm: 0.5 },
    cheap: true,
    typo: ["max_norm", 1, "maxNorm"],
    wrong: ["maxNorm", "1", /expected a number/],
  },
  {
    types: ["GradientAccumulationOptions"],
    what: "GradientAccumulation",
    call: (o) => new GradientAccumulation(o),
    good: { steps: 4 },
    cheap: true,
    typo: ["step", 2, "steps"],
    wrong: ["steps", 1.5, /expected an integer/],
  },
  {
    types: ["CsvLoggerOptions"],
    what: "CSVLogger",
    call: (o) => new CSVLogger(o as never),
    good: { path: "h.csv" },
    cheap: true,
    typo: ["pth", "h.csv", "path"],
    wrong: ["path", 1, /expected a path/],
  },
  {
    types: ["SaveCheckpointOptions"],
    what: "SaveCheckpoint",
    call: (o) => new SaveCheckpoint(o as never),
    good: { path: "run.safetensors", everyBatches: 100 },
    cheap: true,
    typo: ["every_batches", 10, "everyBatches"],
    wrong: ["everyEpochs", "1", /expected an integer/],
  },
  {
    types: ["DivergenceGuardOptions"],
    what: "DivergenceGuard",
    call: (o) => new DivergenceGuard(o),
    good: { lrFactor: 0.5 },
    cheap: true,
    typo: ["lr_factor", 0.5, "lrFactor"],
    wrong: ["every", true, /expected an integer/],
  },
  {
    types: ["SchedulePreviewOptions"],
    what: "schedulePreview",
    call: (o) => learner().schedulePreview([phase()], o),
    good: {},
    cheap: true,
    typo: ["data_list", [], "dataList"],
    wrong: ["dataList", 5, /expected an array/],
  },
];
