;; The dense SGD pass of sgd-core.ts for its most common configuration — log loss, the "optimal"
;; learning rate, an L2 penalty, an intercept, no averaging — as WebAssembly. Every operation is
;; the JavaScript loop's, in the same order and in float64, with Math.exp imported, so the weights
;; it leaves are bit for bit those of `densePass` (tested). It is faster because a row's float32
;; values and the weights are read without bounds or type checks.
;;
;; Memory (imported, grown by the caller): rows × cols float32 values at $x, one label byte per row
;; at $y (1 = positive), the visiting order as uint32 at $order, cols float64 weights at $w.
;; State that outlives a call (sgd-core.ts's SgdState fields) lives in globals the caller sets.
;;
;; Build: node scripts/build-wasm.ts (writes sgd-kernel-wasm.ts; a test checks it matches).
(module
  (import "math" "exp" (func $exp (param f64) (result f64)))
  (import "js" "memory" (memory 1))
  (global $wscale (export "wscale") (mut f64) (f64.const 1))
  (global $intercept (export "intercept") (mut f64) (f64.const 0))
  (global $t (export "t") (mut f64) (f64.const 1))

  ;; One pass over `n` rows in `order`. Returns the sum of score × 0 over the rows: 0, or NaN when
  ;; a score was not finite (how densePass tells its caller about bad input).
  (func (export "denseLogPass")
    (param $x i32) (param $y i32) (param $order i32) (param $n i32) (param $cols i32) (param $w i32)
    (param $alpha f64) (param $optimalInit f64) (param $weightPos f64) (param $weightNeg f64)
    (result f64)
    (local $k i32) (local $row i32) (local $label i32) (local $wp i32) (local $xp i32) (local $wEnd i32)
    (local $dot f64) (local $p f64) (local $eta f64) (local $y1 f64) (local $z f64) (local $g f64)
    (local $update f64) (local $c f64) (local $sum f64)
    (local.set $wEnd (i32.add (local.get $w) (i32.shl (local.get $cols) (i32.const 3))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $row (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))))
        ;; p = (Σ w[j] · x[row, j]) · wscale + intercept
        (local.set $xp
          (i32.add (local.get $x) (i32.shl (i32.mul (local.get $row) (local.get $cols)) (i32.const 2))))
        (local.set $dot (f64.const 0))
        (local.set $wp (local.get $w))
        (block $dotDone
          (loop $dotLoop
            (br_if $dotDone (i32.ge_u (local.get $wp) (local.get $wEnd)))
            (local.set $dot
              (f64.add (local.get $dot)
                (f64.mul (f64.load (local.get $wp)) (f64.promote_f32 (f32.load (local.get $xp))))))
            (local.set $wp (i32.add (local.get $wp) (i32.const 8)))
            (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
            (br $dotLoop)))
        (local.set $p (f64.add (f64.mul (local.get $dot) (global.get $wscale)) (global.get $intercept)))
        ;; eta = 1 / (alpha · (optimalInit + t - 1))
        (local.set $eta
          (f64.div (f64.const 1)
            (f64.mul (local.get $alpha)
              (f64.sub (f64.add (local.get $optimalInit) (global.get $t)) (f64.const 1)))))
        ;; g = dloss(p, y) of the log loss, clipped to ±1e12
        (local.set $label (i32.load8_u (i32.add (local.get $y) (local.get $row))))
        (local.set $y1 (select (f64.const 1) (f64.const -1) (i32.eq (local.get $label) (i32.const 1))))
        (local.set $z (f64.mul (local.get $p) (local.get $y1)))
        (if (f64.gt (local.get $z) (f64.const 18))
          (then (local.set $g (f64.mul (call $exp (f64.neg (local.get $z))) (f64.neg (local.get $y1)))))
          (else
            (if (f64.lt (local.get $z) (f64.const -18))
              (then (local.set $g (f64.neg (local.get $y1))))
              (else
                (local.set $g
                  (f64.div (f64.neg (local.get $y1))
                    (f64.add (call $exp (local.get $z)) (f64.const 1))))))))
        (if (f64.lt (local.get $g) (f64.const -1e12))
          (then (local.set $g (f64.const -1e12)))
          (else (if (f64.gt (local.get $g) (f64.const 1e12)) (then (local.set $g (f64.const 1e12))))))
        ;; update = -eta · g · class weight; the L2 shrink multiplies wscale by max(0, 1 - 1·eta·alpha)
        (local.set $update
          (f64.mul (f64.mul (f64.neg (local.get $eta)) (local.get $g))
            (select (local.get $weightPos) (local.get $weightNeg) (i32.eq (local.get $label) (i32.const 1)))))
        (global.set $wscale
          (f64.mul (global.get $wscale)
            (f64.max (f64.const 0)
              (f64.sub (f64.const 1)
                (f64.mul (f64.mul (f64.const 1) (local.get $eta)) (local.get $alpha))))))
        ;; Below 1e-9 the scale is folded into the weights (SgdState.resetScale, no average).
        (if (f64.lt (global.get $wscale) (f64.const 1e-9))
          (then
            (local.set $wp (local.get $w))
            (block $foldDone
              (loop $fold
                (br_if $foldDone (i32.ge_u (local.get $wp) (local.get $wEnd)))
                (f64.store (local.get $wp) (f64.mul (f64.load (local.get $wp)) (global.get $wscale)))
                (local.set $wp (i32.add (local.get $wp) (i32.const 8)))
                (br $fold)))
            (global.set $wscale (f64.const 1))))
        ;; w += x · (update / wscale); the intercept moves by update (decay 1 for dense rows)
        (if (f64.ne (local.get $update) (f64.const 0))
          (then
            (local.set $c (f64.div (local.get $update) (global.get $wscale)))
            (local.set $wp (local.get $w))
            (local.set $xp
              (i32.add (local.get $x) (i32.shl (i32.mul (local.get $row) (local.get $cols)) (i32.const 2))))
            (block $addDone
              (loop $add
                (br_if $addDone (i32.ge_u (local.get $wp) (local.get $wEnd)))
                (f64.store (local.get $wp)
                  (f64.add (f64.load (local.get $wp))
                    (f64.mul (f64.promote_f32 (f32.load (local.get $xp))) (local.get $c))))
                (local.set $wp (i32.add (local.get $wp) (i32.const 8)))
                (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                (br $add)))
            (global.set $intercept
              (f64.add (global.get $intercept) (f64.mul (local.get $update) (f64.const 1))))))
        (global.set $t (f64.add (global.get $t) (f64.const 1)))
        (local.set $sum (f64.add (local.get $sum) (f64.mul (local.get $p) (f64.const 0))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rows)))
    (local.get $sum))
)
