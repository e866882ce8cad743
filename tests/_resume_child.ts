/**
 * Child process of `resume_test.ts`: a NEW process resumes the checkpoint given as the first
 * argument on a fresh learner (another init seed) and writes the final weights, raw float32, to the
 * second argument.
 * @module
 */
import { allWeights, resumeLearner, resumePhases } from "./_resume_fixture.ts";

const [ckpt, out] = Deno.args;
const learn = await resumeLearner(99);
const r = await learn.fitOptSched(resumePhases(), { log: false, resume: ckpt! });
if (r.stopped) throw new Error(`the resumed fit stopped: ${r.reason}`);
const w = await allWeights(learn);
Deno.writeFileSync(out!, new Uint8Array(w.buffer));
Deno.writeTextFileSync(`${out}.json`, JSON.stringify(learn.sched.recorder.rawLosses));
