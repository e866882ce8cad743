/**
 * examples/training_phase.ipynb run by Jupyter's own executor (`python3 -m nbconvert --execute`,
 * i.e. nbclient) on Deno's kernel, then its outputs checked: every code cell ran, no output is an
 * error, every cell tagged `plot` shows an `image/svg+xml` (and not the SVG as text), every `fit`
 * cell one HTML table of 3 epochs and one progress display updated in place, every `progress` cell
 * one progress display, the `tensor` cell a short summary. The tags live in the cells' metadata;
 * their counts are asserted so that an emptied notebook fails. Needs Debian's `jupyter-client`,
 * `python3-nbconvert`, `python3-nbclient`, `deno jupyter --install` and Fashion-MNIST (.ci/run
 * installs them); without them this test FAILS, saying what to install.
 */
import assert from "node:assert/strict";

const NOTEBOOK = new URL("../examples/training_phase.ipynb", import.meta.url);
/** Debian's python3 (the one with nbconvert); a pyenv shim first on PATH may lack it. */
const PYTHON = Deno.env.get("TEMPO_JUPYTER_PYTHON") ?? "/usr/bin/python3";

/** Cells per tag in the notebook: plotLr/plot/plotLoss/finder plots, fits, LR-finder runs. */
const EXPECTED_TAGS = { plot: 19, fit: 12, progress: 4, tensor: 1 };

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  id?: string;
  source: string | string[];
  metadata: { tags?: string[] };
  execution_count?: number | null;
  outputs?: Output[];
}
interface Notebook {
  cells: Cell[];
  metadata: { kernelspec?: { name?: string } };
}

const join = (s: string | string[] | undefined) => Array.isArray(s) ? s.join("") : s ?? "";
const codeCells = (nb: Notebook) => nb.cells.filter((c) => c.cell_type === "code");
const tagged = (nb: Notebook, tag: string) =>
  codeCells(nb).filter((c) => c.metadata.tags?.includes(tag));
const where = (c: Cell) => `cell ${c.id}: ${join(c.source).split("\n")[0]}`;
const html = (o: Output) => join(o.data?.["text/html"]);

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const dec = new TextDecoder();
    return { ok: r.success, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
  } catch (e) {
    return { ok: false, out: String(e) };
  }
}

/** Fails, saying what to install, when Jupyter or the Deno kernel is missing. */
async function requireJupyter(): Promise<void> {
  const nbc = await run(PYTHON, ["-m", "nbconvert", "--version"]);
  assert.ok(
    nbc.ok,
    `Jupyter's executor is missing (${PYTHON} -m nbconvert: ${nbc.out.trim()}): ` +
      "apt-get install jupyter-client python3-nbconvert python3-nbclient",
  );
  const spec = await run(PYTHON, [
    "-c",
    "from jupyter_client.kernelspec import KernelSpecManager as K; print(K().get_kernel_spec('deno').argv)",
  ]);
  assert.ok(
    spec.ok,
    `Deno's Jupyter kernel is not registered: run 'deno jupyter --install' (${
      spec.out.trim().split("\n").at(-1)
    })`,
  );
}

async function readNotebook(path: string | URL): Promise<Notebook> {
  return JSON.parse(await Deno.readTextFile(path)) as Notebook;
}

Deno.test("the notebook is a Deno notebook with its cells tagged", async () => {
  const nb = await readNotebook(NOTEBOOK);
  assert.equal(nb.metadata.kernelspec?.name, "deno");
  for (const [tag, n] of Object.entries(EXPECTED_TAGS)) {
    assert.equal(tagged(nb, tag).length, n, `cells tagged ${tag}`);
  }
  for (const c of tagged(nb, "plot")) {
    // a plot shows only when it is the cell's last value (Deno's kernel ignores a final `;`)
    assert.match(join(c.source).trim(), /\.(plotLr|plot|plotLoss|svg)\([^;]*\);?$/, where(c));
  }
  assert.ok(codeCells(nb).every((c) => (c.outputs ?? []).length === 0), "stored without outputs");
});

Deno.test({
  name: "Jupyter's executor runs every cell: plots are SVG images, fits HTML tables",
  async fn() {
    await requireJupyter();
    const dir = await Deno.makeTempDir({ prefix: "tempo_nb_" });
    try {
      const out = `${dir}/executed.ipynb`;
      const t0 = performance.now();
      const r = await run(PYTHON, [
        "-m",
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "--ExecutePreprocessor.timeout=1200",
        "--ExecutePreprocessor.kernel_name=deno",
        "--output",
        out,
        NOTEBOOK.pathname,
      ]);
      const seconds = (performance.now() - t0) / 1000;
      assert.ok(r.ok, `nbconvert failed after ${seconds.toFixed(0)} s:\n${r.out.slice(-4000)}`);
      console.log(`notebook executed in ${seconds.toFixed(0)} s`);
      const nb = await readNotebook(out);

      for (const c of codeCells(nb)) {
        assert.equal(typeof c.execution_count, "number", `${where(c)} did not run`);
        for (const o of c.outputs ?? []) {
          assert.notEqual(o.output_type, "error", `${where(c)}: ${o.ename}: ${o.evalue}`);
        }
      }
      for (const [tag, n] of Object.entries(EXPECTED_TAGS)) {
        assert.equal(tagged(nb, tag).length, n, `cells tagged ${tag}`);
      }

      // plots and tensors come as display_data sent while the cell runs (the kernel's own result
      // can arrive after the cell ended: see src/sched/_jupyter.ts); their result bundle is empty
      const withData = (c: Cell, mime: string) =>
        (c.outputs ?? []).filter((o) => join(o.data?.[mime]) !== "");
      for (const c of tagged(nb, "plot")) {
        const img = withData(c, "image/svg+xml");
        assert.equal(img.length, 1, `${where(c)}: one image`);
        assert.match(join(img[0]!.data?.["image/svg+xml"]), /<svg [^>]*xmlns=/, where(c));
        for (const o of c.outputs ?? []) {
          assert.doesNotMatch(join(o.data?.["text/plain"]), /<svg/, `${where(c)}: SVG as text`);
        }
      }

      const progressOf = (c: Cell) =>
        (c.outputs ?? []).filter((o) =>
          o.output_type === "display_data" && /<progress /.test(html(o))
        );
      for (const c of tagged(nb, "fit")) {
        const tables = (c.outputs ?? []).filter((o) => /<table/.test(html(o)));
        assert.equal(tables.length, 1, `${where(c)}: one HTML table`);
        assert.equal(tables[0]!.output_type, "display_data");
        const rows = html(tables[0]!).match(/<tr><td>/g)?.length;
        assert.equal(rows, 3, `${where(c)}: a row per epoch`);
        assert.match(html(tables[0]!), /<th>trn_loss<\/th><th>val_loss<\/th><th>accuracy<\/th>/);
        assert.equal(progressOf(c).length, 1, `${where(c)}: one progress display, updated`);
        const text = (c.outputs ?? []).filter((o) => o.output_type === "stream").map((o) =>
          join(o.text)
        ).join("");
        assert.doesNotMatch(text, /trn_loss/, `${where(c)}: the table is not also printed`);
      }
      for (const c of tagged(nb, "progress")) {
        const p = progressOf(c);
        assert.equal(p.length, 1, `${where(c)}: one progress display, updated in place`);
        const [, done, max] = html(p[0]!).match(/<progress value="(\d+)" max="(\d+)"/)!;
        // the last pass's final state (a stop leaves it short of its end)
        assert.ok(Number(done) >= 1 && Number(done) <= Number(max), `${where(c)}: ${done}/${max}`);
      }

      const tc = tagged(nb, "tensor")[0]!;
      const [tout] = withData(tc, "text/html");
      assert.ok(tout, `${where(tc)}: no display`);
      assert.match(
        join(tout.data?.["text/plain"]),
        /^Tensor\(f32\[64,1,28,28\], webgpu\) 50,176 elements: \[[-\d., ]+, … \(50168 more\)\]$/,
      );
      assert.match(html(tout), /^<code>Tensor\(f32\[64,1,28,28\], webgpu\)<\/code>/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
