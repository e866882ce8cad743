/**
 * The examples' cores on small generated 1x28x28 data (no Fashion-MNIST, no network): SVG files
 * written, the epoch table printed with its columns, the LR finder's suggestions, the tour's index.
 */
import assert from "node:assert/strict";
import { ImageClassifierData, tfmsFromStats } from "../src/data/mod.ts";
import { runOneCycle } from "../examples/one_cycle.ts";
import { runLrFind } from "../examples/lr_find.ts";
import { runTour } from "../examples/training_phase.ts";

/** `n` uint8 images 1x`sz`x`sz` of 10 classes: a per-class bright square plus noise. */
function synth(n: number, seed: number, sz = 28): [Uint8Array, Int32Array] {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
  const x = new Uint8Array(n * sz * sz), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    y[i] = c;
    const r0 = 2 + 8 * Math.floor(c / 3), c0 = 2 + 8 * (c % 3);
    for (let r = 0; r < sz; r++) {
      for (let q = 0; q < sz; q++) {
        const inside = r >= r0 && r < r0 + 7 && q >= c0 && q < c0 + 7;
        x[i * sz * sz + r * sz + q] = Math.floor((inside ? 160 : 0) + 90 * rnd());
      }
    }
  }
  return [x, y];
}

function synthData(nTrain: number, nValid: number, bs: number, sz = 28): ImageClassifierData {
  return ImageClassifierData.fromArrays({
    train: synth(nTrain, 1),
    valid: synth(nValid, 2),
    shape: [1, 28, 28],
    tfms: tfmsFromStats([[0.3], [0.3]], sz),
    bs,
  });
}

function collect() {
  const out: string[] = [];
  return { out, log: (l: string) => out.push(l) };
}

async function tmp(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "tempo_examples_" });
}

function assertSvg(path: string) {
  const text = Deno.readTextFileSync(path);
  assert.match(text, /^<svg|<\?xml/, path);
  assert.match(text, /<\/svg>\s*$/, path);
}

Deno.test("one_cycle: trains, prints the epoch table, writes lr.svg and loss.svg", async () => {
  const out = await tmp();
  const { out: lines, log } = collect();
  const r = await runOneCycle({
    data: synthData(256, 64, 64),
    epochs: 2,
    lr: 0.1,
    out,
    log,
    progress: false,
  });
  assert.match(lines[0]!, /^\s*epoch\s+trn_loss\s+val_loss\s+accuracy$/);
  assert.match(lines[1]!, /^\s*0\s+[\d.]+\s+[\d.]+\s+[\d.]+$/);
  assert.match(lines[2]!, /^\s*1\s+[\d.]+\s+[\d.]+\s+[\d.]+$/);
  assert.ok(lines.some((l) => /^test accuracy: [\d.]+%/.test(l)));
  assert.ok(r.accuracy > 0.5, `accuracy ${r.accuracy} on separable data`);
  for (const f of ["lr.svg", "loss.svg"]) assertSvg(`${out}/${f}`);
  const lr = Deno.readTextFileSync(`${out}/lr.svg`);
  assert.match(lr, /momentum/i);
  assert.match(Deno.readTextFileSync(`${out}/index.html`), /lr\.svg[\s\S]*loss\.svg/);
  await Deno.remove(out, { recursive: true });
});

Deno.test("lr_find: suggestions printed, SVG written into a new folder", async () => {
  const dir = await tmp();
  const file = `${dir}/sub/finder.svg`;
  const { out: lines, log } = collect();
  const r = await runLrFind({
    data: synthData(320, 32, 16),
    model: "simplenet",
    startLr: 1e-5,
    endLr: 10,
    numIt: 40,
    out: file,
    log,
    progress: false,
  });
  assert.ok(r.lrs.length >= 10, `${r.lrs.length} points`);
  assert.match(lines[0]!, /^simplenet: \d+ batches recorded, lr 1\.00e-5 -> 1\.00e\+1/);
  for (const name of ["valley", "steep", "minimum"]) {
    assert.ok(lines.some((l) => l.trim().startsWith(name)), `${name} line`);
  }
  assert.ok(r.suggestions.valley, "valley suggestion");
  assertSvg(file);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("training_phase: the whole tour writes every SVG and the index", async () => {
  const out = await tmp();
  const { out: lines, log } = collect();
  const { entries } = await runTour({
    data: synthData(64, 32, 32),
    data32: synthData(64, 32, 32, 32),
    out,
    lrFinderIt: 12,
    log,
    progress: false,
  });
  assert.equal(entries.length, 17);
  const html = Deno.readTextFileSync(`${out}/index.html`);
  for (const e of entries) {
    assertSvg(`${out}/${e.file}`);
    assert.ok(html.includes(`src="${e.file}"`), e.file);
  }
  const headers = lines.filter((l) => /^\s*epoch\s+trn_loss\s+val_loss\s+accuracy$/.test(l));
  assert.equal(headers.length, 12); // 12 fits print a table (the 3 LR-finder runs do not)
  for (
    const s of [
      "Basic lr decay",
      "Decay LINEAR",
      "Decay COSINE",
      "Decay EXPONENTIAL",
      "POLYNOMIAL p=2",
      "POLYNOMIAL p=0.5",
      "SGDR",
      "1cycle",
      "Discriminative",
      "LR finder",
      "change of optimizer",
      "Progressive resizing",
    ]
  ) {
    assert.ok(lines.some((l) => l.trim().startsWith("# ") && l.includes(s)), s);
  }
  await Deno.remove(out, { recursive: true });
});
