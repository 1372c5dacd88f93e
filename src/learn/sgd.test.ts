import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type CsrMatrix, type DenseMatrix, SGDClassifier } from "./index.ts";

/*
 * Fixed vectors: 24 rows × 3 features. Expected coef_ and intercept_ were computed with
 * scikit-learn 1.2.1 (Debian python3-sklearn, /usr/bin/python3): SGDClassifier(shuffle=False,
 * random_state=0, <params>) with partial_fit on rows 0-11 then 12-23 (one call on all rows for
 * `average`, which sidesteps sklearn 1.2 dropping the unaveraged intercept between calls), on the
 * float32 array and on scipy.sparse.csr_matrix of it; and fit(max_iter=40, learning_rate="adaptive").
 */
const X = Float32Array.from([
  1.7, -0.5, 0, 0.4, -0.8, 0, -0, -1.8, 0, 0.6, 0, -0.2, 0.5, -0.3, 0, -1.5, 0, 0.1, 0.3, -1.5, 1.7, 0.2,
  -0.4, 2, 0, -1.5, -0.4, 0, 1, -0.4, -0.7, 1.1, 0, 0, -2.1, 0, 0, 1.5, 0, -0.3, 0.8, 0, 0.6, -0.8, -1.7, 0,
  0, 2.2, 0.3, 0, 1.9, 0.2, 0.1, 0, -0.1, -0.3, -1.4, 0, 0, 0, -0.4, 0, 0, 1.7, 0, 0, 0, -1.1, -0.3, -1.2, 0,
  -0.3,
]);
const Y = Uint8Array.from([1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0]);

type Case = [string, Record<string, unknown>, boolean, number[]];
const CASES: Case[] = [
  ["log_loss", {}, false, [14.537732984118232, -9.561182044440491, 16.040483218613012, -0.7406445524985386]],
  ["log_loss", {}, true, [9.04556016743563, -3.9116353550442082, 2.971920892313747, 0.13062131172774058]],
  [
    "hinge",
    { loss: "hinge" },
    false,
    [20.527859761917703, -14.662756598240472, 3.9100684844620197, 0.09881834525846855],
  ],
  [
    "hinge",
    { loss: "hinge" },
    true,
    [16.617791277455684, -15.640273937848075, 18.572825374025285, 0.3945049524981224],
  ],
  [
    "modified_huber",
    { loss: "modified_huber", alpha: 0.01 },
    false,
    [11.219494605269993, -9.664259266577393, 12.243200843543482, 0.32881923318021977],
  ],
  [
    "modified_huber",
    { loss: "modified_huber", alpha: 0.01 },
    true,
    [6.224509823366656, -6.343981055655628, 6.314904886273389, 0.18064620273267143],
  ],
  [
    "elasticnet",
    { penalty: "elasticnet", l1Ratio: 0.3, alpha: 0.01 },
    false,
    [3.0182597090371663, -2.4313391517644387, 2.4061553638604325, 0.3939265088667856],
  ],
  [
    "elasticnet",
    { penalty: "elasticnet", l1Ratio: 0.3, alpha: 0.01 },
    true,
    [2.916742208672104, -2.3586521678915533, 1.7875495171633535, 0.056669664599277386],
  ],
  [
    "constant",
    { learningRate: "constant", eta0: 0.1 },
    false,
    [0.46041940139286264, -0.5749744646011459, 0.30608332261398685, 0.25896307825987563],
  ],
  [
    "constant",
    { learningRate: "constant", eta0: 0.1 },
    true,
    [0.45484834918488554, -0.5903100105829394, 0.3130498688808372, 0.0037847884887914716],
  ],
  [
    "invscaling",
    { loss: "hinge", learningRate: "invscaling", eta0: 0.5, powerT: 0.3 },
    false,
    [1.4983324212166096, -1.2455319901096198, 0.8390885930450841, 0.31436484656131325],
  ],
  [
    "invscaling",
    { loss: "hinge", learningRate: "invscaling", eta0: 0.5, powerT: 0.3 },
    true,
    [1.5603801609699335, -1.2937655018715228, 1.075855136713421, 0.024902670638074356],
  ],
  [
    "average",
    { average: 5, alpha: 0.001 },
    false,
    [5.136809699918617, -4.420952534079254, 2.5072181830936024, 0.46863388712103266],
  ],
  [
    "average",
    { average: 5, alpha: 0.001 },
    true,
    [5.177664748323469, -2.8668823554680465, 1.5893284395346043, 0.057122125885120126],
  ],
  [
    "class weights",
    { classWeight: [2, 0.5] },
    false,
    [11.27262905501124, -18.328676813105925, 8.606297571973192, -3.733150126013215],
  ],
  [
    "class weights",
    { classWeight: [2, 0.5] },
    true,
    [6.324835853823257, -3.7917670012887648, 4.920741365627092, 0.04277693214378604],
  ],
];

function dense(data: Float32Array, cols: number): DenseMatrix {
  return { rows: data.length / cols, cols, data };
}

function toCsr(m: DenseMatrix): CsrMatrix {
  const indptr = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const v = m.data[i * m.cols + j] as number;
      if (v !== 0) {
        indices.push(j);
        values.push(v);
      }
    }
    indptr.push(indices.length);
  }
  return {
    rows: m.rows,
    cols: m.cols,
    indptr: Int32Array.from(indptr),
    indices: Int32Array.from(indices),
    values: Float32Array.from(values),
  };
}

function input(rows: [number, number], sparse: boolean): DenseMatrix | CsrMatrix {
  const m = dense(X.subarray(rows[0] * 3, rows[1] * 3), 3);
  return sparse ? toCsr(m) : m;
}

function assertClose(actual: ArrayLike<number>, expected: readonly number[], tol: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    assert.ok(
      Math.abs((actual[i] as number) - e) <= tol * Math.max(1, Math.abs(e)),
      `[${i}] ${actual[i]} vs ${e}`,
    );
  }
}

describe("SGDClassifier matches scikit-learn's _plain_sgd", () => {
  for (const [name, params, sparse, expected] of CASES) {
    it(`${name} on ${sparse ? "CSR" : "dense"} input`, () => {
      const m = new SGDClassifier({ ...params, shuffle: false });
      if (name === "average") m.partialFit(input([0, 24], sparse), Y);
      else
        m.partialFit(input([0, 12], sparse), Y.subarray(0, 12)).partialFit(
          input([12, 24], sparse),
          Y.subarray(12),
        );
      const { coef, intercept } = m.coefficients();
      assertClose([...coef, intercept], expected, 1e-12);
    });
  }

  it("fit with the adaptive schedule runs sklearn's epochs and stopping rule", () => {
    const m = new SGDClassifier({ shuffle: false, maxIter: 40, learningRate: "adaptive", eta0: 0.1 });
    m.fit(dense(X, 3), Y);
    const { coef, intercept } = m.coefficients();
    assertClose(
      [...coef, intercept],
      [3.666381275145328, -3.0184224941431137, 1.8675593134738215, 0.7816606630301605],
      1e-12,
    );
    assert.equal(m.epochs, 40);
  });
});

describe("SGDClassifier behaviour", () => {
  const data = dense(X, 3);

  it("probabilities are the logistic of the decision function, in [0, 1]", () => {
    const m = new SGDClassifier({ seed: 3 }).partialFit(data, Y);
    const d = m.decisionFunction(data);
    const p = m.predictProba(data);
    for (let i = 0; i < p.length; i++) {
      assert.ok((p[i] as number) >= 0 && (p[i] as number) <= 1);
      assert.ok(Math.abs((p[i] as number) - 1 / (1 + Math.exp(-(d[i] as number)))) < 1e-15);
    }
    assert.deepEqual(
      [...m.predict(data)],
      [...d].map((s) => (s > 0 ? 1 : 0)),
    );
  });

  it("modified Huber probabilities follow sklearn's (clip(d, -1, 1) + 1) / 2", () => {
    const m = new SGDClassifier({ loss: "modified_huber" }).partialFit(data, Y);
    const d = m.decisionFunction(data);
    const p = m.predictProba(data);
    for (let i = 0; i < p.length; i++)
      assert.equal(p[i], (Math.min(1, Math.max(-1, d[i] as number)) + 1) / 2);
  });

  it("shuffling is deterministic for a seed and differs between seeds", () => {
    const run = (seed: number) =>
      new SGDClassifier({ seed }).partialFit(data, Y).partialFit(data, Y).coefficients();
    assert.deepEqual(run(5), run(5));
    assert.notDeepEqual(run(5).coef, run(6).coef);
  });

  it("save → load predicts bit for bit and keeps training identically", () => {
    for (const params of [{}, { average: 3 }, { penalty: "elasticnet" }, { learningRate: "adaptive" }]) {
      const a = new SGDClassifier({ ...params, seed: 9 }).partialFit(data, Y);
      const saved = a.save();
      const b = SGDClassifier.load(saved.params, saved.files);
      assert.deepEqual(b.decisionFunction(data), a.decisionFunction(data));
      a.partialFit(data, Y);
      b.partialFit(data, Y);
      assert.deepEqual(b.coefficients(), a.coefficients());
      assert.equal(b.steps, a.steps);
    }
  });

  it("rejected input leaves a fitted model exactly as it was", () => {
    const a = new SGDClassifier({ seed: 4 }).partialFit(data, Y);
    const b = new SGDClassifier({ seed: 4 }).partialFit(data, Y);
    const bad = Float32Array.from(X);
    bad[40] = Number.NaN;
    assert.throws(() => a.partialFit(dense(bad, 3), Y), /NaN or infinite/);
    a.partialFit(data, Y);
    b.partialFit(data, Y);
    assert.deepEqual(a.coefficients(), b.coefficients());
  });

  it("a NaN or infinite value anywhere in dense rows is rejected during the pass and rolled back", () => {
    for (const shuffle of [true, false]) {
      for (const at of [0, 40, X.length - 1]) {
        for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          const bad = Float32Array.from(X);
          bad[at] = value;
          const fresh = new SGDClassifier({ shuffle, seed: 2 });
          assert.throws(() => fresh.partialFit(dense(bad, 3), Y), /NaN or infinite/);
          assert.throws(() => fresh.coefficients(), /not fitted/);
          const fitted = new SGDClassifier({ shuffle, seed: 2, average: 3 }).partialFit(data, Y);
          const before = fitted.save().files;
          assert.throws(() => fitted.partialFit(dense(bad, 3), Y), /NaN or infinite/);
          assert.deepEqual(fitted.save().files, before);
          assert.throws(() => new SGDClassifier({ shuffle }).fit(dense(bad, 3), Y), /NaN or infinite/);
        }
      }
    }
  });

  it("learns a separable problem", () => {
    const rows = 2000;
    const x = new Float32Array(rows * 2);
    const y = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) {
      x[2 * i] = Math.sin(i * 12.9898) * 2;
      x[2 * i + 1] = Math.cos(i * 78.233) * 2;
      y[i] = (x[2 * i] as number) + 0.5 * (x[2 * i + 1] as number) > 0.1 ? 1 : 0;
    }
    const m = new SGDClassifier({ seed: 1 }).fit(dense(x, 2), y);
    const pred = m.predict(dense(x, 2));
    const acc = pred.reduce((a, v, i) => a + (v === y[i] ? 1 : 0), 0) / rows;
    assert.ok(acc > 0.97, `accuracy ${acc}`);
  });

  it("dense and CSR input train the same weights when there is no intercept", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -20, max: 20 }), fc.boolean()),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        (rows) => {
          const m = dense(Float32Array.from(rows.flatMap((r) => [r[0] / 10, r[1] / 10])), 2);
          const y = Uint8Array.from(rows, (r) => (r[2] ? 1 : 0));
          const a = new SGDClassifier({ fitIntercept: false, seed: 2 }).partialFit(m, y).coefficients();
          const b = new SGDClassifier({ fitIntercept: false, seed: 2 })
            .partialFit(toCsr(m), y)
            .coefficients();
          assertClose(b.coef, [...a.coef], 1e-12);
        },
      ),
    );
  });
});

describe("SGDClassifier rejects misuse", () => {
  const data = dense(X, 3);
  const fitted = () => new SGDClassifier().partialFit(data, Y);
  const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;
  const csr = toCsr(data);
  const cases: [string, () => unknown, string][] = [
    ["unknown loss", () => new SGDClassifier({ loss: "squared" }), "PARAM_INVALID"],
    ["alpha 0", () => new SGDClassifier({ alpha: 0 }), "PARAM_INVALID"],
    ["eta0 0", () => new SGDClassifier({ eta0: 0 }), "PARAM_INVALID"],
    ["l1Ratio above 1", () => new SGDClassifier({ l1Ratio: 2 }), "PARAM_INVALID"],
    ["fractional average", () => new SGDClassifier({ average: 1.5 }), "PARAM_INVALID"],
    ["misspelt parameter", () => new SGDClassifier({ alpah: 1 }), "PARAM_INVALID"],
    ["one class weight", () => new SGDClassifier({ classWeight: [1] }), "PARAM_INVALID"],
    ["negative class weight", () => new SGDClassifier({ classWeight: [1, -1] }), "PARAM_INVALID"],
    [
      "hinge probabilities",
      () => new SGDClassifier({ loss: "hinge" }).partialFit(data, Y).predictProba(data),
      "PARAM_INVALID",
    ],
    ["predict before fit", () => new SGDClassifier().predictProba(data), "MODEL_NOT_FITTED"],
    ["save before fit", () => new SGDClassifier().save(), "MODEL_NOT_FITTED"],
    ["coefficients before fit", () => new SGDClassifier().coefficients(), "MODEL_NOT_FITTED"],
    ["targets length", () => new SGDClassifier().partialFit(data, Y.subarray(1)), "MODEL_INPUT_INVALID"],
    [
      "target 2",
      () =>
        new SGDClassifier().partialFit(
          data,
          Uint8Array.from(Y, () => 2),
        ),
      "MODEL_INPUT_INVALID",
    ],
    [
      "NaN value",
      () => new SGDClassifier().partialFit(dense(Float32Array.of(1, Number.NaN), 2), Uint8Array.of(1)),
      "MODEL_INPUT_INVALID",
    ],
    [
      "data length",
      () => new SGDClassifier().partialFit({ rows: 2, cols: 3, data: X.subarray(0, 5) }, Y.subarray(0, 2)),
      "MODEL_INPUT_INVALID",
    ],
    [
      "no rows",
      () =>
        new SGDClassifier().partialFit({ rows: 0, cols: 3, data: new Float32Array(0) }, new Uint8Array(0)),
      "MODEL_INPUT_INVALID",
    ],
    [
      "feature count changes",
      () => fitted().partialFit(dense(X.subarray(0, 48), 2), Y),
      "MODEL_INPUT_INVALID",
    ],
    [
      "predict with other width",
      () => fitted().decisionFunction(dense(X.subarray(0, 48), 4)),
      "MODEL_INPUT_INVALID",
    ],
    [
      "CSR index out of range",
      () => new SGDClassifier().partialFit({ ...csr, indices: csr.indices.map(() => 7) }, Y),
      "MODEL_INPUT_INVALID",
    ],
    [
      "CSR indptr short",
      () => new SGDClassifier().partialFit({ ...csr, indptr: csr.indptr.subarray(1) }, Y),
      "MODEL_INPUT_INVALID",
    ],
    [
      "CSR infinite value",
      () =>
        new SGDClassifier().partialFit({ ...csr, values: csr.values.map(() => Number.POSITIVE_INFINITY) }, Y),
      "MODEL_INPUT_INVALID",
    ],
    [
      "overflowing weights",
      () =>
        new SGDClassifier({ learningRate: "constant", eta0: 1e300, penalty: "none" }).partialFit(
          dense(Float32Array.of(3e38, 3e38), 1),
          Uint8Array.of(1, 0),
        ),
      "MODEL_INPUT_INVALID",
    ],
    ["load without weights", () => SGDClassifier.load({}, {}), "MODEL_SPEC_INVALID"],
  ];
  for (const [name, call, c] of cases) it(name, () => assert.throws(call, code(c)));
});
