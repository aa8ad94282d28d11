// L-BFGS on textbook functions with known minima.
// Run: bun test packages/model/src/sweep
import { expect, test } from "bun:test";
import { lbfgs, type Objective } from "./lbfgs.ts";

const rosenbrock: Objective = (x, g) => {
  const [a, b] = [x[0]!, x[1]!];
  g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  g[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};

/** An ill-conditioned quadratic Σ c_i (x_i − i)², minimum at (0, 1, 2, ...). */
const quadratic = (c: number[]): Objective => (x, g) => {
  let f = 0;
  c.forEach((ci, i) => {
    f += ci * (x[i]! - i) ** 2;
    g[i] = 2 * ci * (x[i]! - i);
  });
  return f;
};

test.each([
  ["Rosenbrock from (-1.2, 1)", rosenbrock, [-1.2, 1], [1, 1]],
  ["Rosenbrock from (2, -2)", rosenbrock, [2, -2], [1, 1]],
  ["a quadratic with condition number 1e4", quadratic([1, 10, 100, 1000, 10000]), [5, 5, 5, 5, 5], [0, 1, 2, 3, 4]],
] as const)("finds the minimum of %s", (_, fg, x0, min) => {
  const r = lbfgs(fg, x0);
  expect(r.converged).toBe(true);
  r.x.forEach((v, i) => expect(v).toBeCloseTo(min[i]!, 5));
});

test("reports that it did not converge when maxIter runs out", () => {
  const r = lbfgs(rosenbrock, [-1.2, 1], { maxIter: 3 });
  expect(r).toMatchObject({ iterations: 3, converged: false });
  expect(r.f).toBeGreaterThan(1e-3);
});
