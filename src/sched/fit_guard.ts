/**
 * `LearnerBusyError` and the guard that refuses a second fit on a Learner that is still fitting (two
 * fits at once would step the same weights with two optimizers, and the first to finish disposes of
 * the optimizer the other still uses). The guard is held for the whole async fit, `lrFind` included
 * (snapshot, fit, restore), and released in `finally`, so a fit that throws frees the Learner.
 *
 * It does not queue: the second call fails at once; await the first.
 * @module
 */

/** A call refused because the Learner is running `fitOptSched`, `fitOneCycle` or `lrFind`. */
export class LearnerBusyError extends Error {
  /** `"LearnerBusyError"`. */
  override name = "LearnerBusyError";
  /** What was refused, e.g. `"fitOptSched"`. */
  readonly refused: string;
  /** What is running, e.g. `"lrFind"`. */
  readonly running: string;

  /** `Cannot start <refused>: this Learner is already fitting (started by <running>); await it first`. */
  constructor(refused: string, running: string) {
    super(
      `Cannot ${
        refused.startsWith("dispose") || refused.startsWith("load") ? "" : "start "
      }${refused}: this Learner is already fitting (started by ${running}); await it first`,
    );
    this.refused = refused;
    this.running = running;
  }
}

/**
 * Private token passed by a guarded caller to the fit it runs inside its own guard (`lrFind` →
 * `fitOptSched`), as a symbol key that option checks do not see.
 */
export const HELD_BY: unique symbol = Symbol("tempo.fitGuard.heldBy");

/** The guard of one Learner: who holds it, and the token of that holder. */
export class FitGuard {
  #running: string | null = null;
  #token: symbol | null = null;

  /** What holds the guard now (`null` when idle). */
  get running(): string | null {
    return this.#running;
  }

  /** Throws {@linkcode LearnerBusyError} when held (for synchronous calls such as `dispose`). */
  assertIdle(what: string): void {
    if (this.#running !== null) throw new LearnerBusyError(what, this.#running);
  }

  /**
   * Runs `fn` holding the guard. `token` is the holder's own token for a nested call (then `fn` just
   * runs); otherwise a busy guard rejects with {@linkcode LearnerBusyError}. `fn` receives the token
   * to pass to nested calls.
   */
  async run<T>(what: string, token: unknown, fn: (token: symbol) => Promise<T>): Promise<T> {
    if (this.#token !== null && token === this.#token) return await fn(this.#token);
    if (this.#running !== null) throw new LearnerBusyError(what, this.#running);
    const mine = Symbol(what);
    this.#running = what;
    this.#token = mine;
    try {
      return await fn(mine);
    } finally {
      this.#running = null;
      this.#token = null;
    }
  }
}

const guards = new WeakMap<object, FitGuard>();

/** The guard of `learner` (created on first use). */
export function guardOf(learner: object): FitGuard {
  let g = guards.get(learner);
  if (!g) guards.set(learner, g = new FitGuard());
  return g;
}
