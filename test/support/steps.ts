// Driving the engine's stepped work (generators that yield between slices) in tests.

/** Runs the steps to the end, counting the yields. */
export function runSteps<T>(steps: Generator<void, T>): { value: T; yields: number } {
  let yields = 0;
  for (;;) {
    const s = steps.next();
    if (s.done) return { value: s.value, yields };
    yields++;
  }
}
