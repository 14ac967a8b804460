;; The full softmax's cross-entropy and its gradient in one pass over the logits, with 128-bit SIMD, for the
;; sequence trainer on TF.js wasm (src/train/sequence/simd/softmax_ce.ts copies the logits in and the gradient out;
;; scripts/build-wasm.mjs assembles this).
;;
;;   softmax_ce(x, bias, targets, col, out, rows, n, inv):
;;     x: rows × n f32 logits (h · Eᵀ, without the bias), row-major; overwritten with the gradient of
;;        inv · Σ_rows (logsumexp(x_r + bias) − (x_r + bias)[target_r]), i.e. inv · (softmax(x_r + bias) − onehot).
;;     bias: n f32; targets: rows i32 (each < n); col: n f32, accumulates the gradient's column sums (the bias's
;;     gradient; the caller zeroes it); out: rows × 2 f32, per row the softmax's sum Σ exp(x + bias − max) and
;;     max − (x + bias)[target], so the row's loss is log(sum) + that (the caller takes the logs).
;;   All addresses are byte addresses; n needs no padding (a tail of n mod 4 runs lane by lane).
;;
;; exp is Cephes' expf on four lanes: x = k·ln 2 + r with |r| ≤ ln 2 / 2, a degree-6 polynomial in r, and 2^k built
;; in the exponent bits (inputs are clamped to [−87.3, 88.7], so 2^k stays a normal float). Relative error about
;; 2e-7, the float's own.
(module
  (memory (export "memory") 1)

  (func $exp4 (param $x v128) (result v128)
    (local $k v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.max (f32x4.min (local.get $x) (v128.const f32x4 88.7 88.7 88.7 88.7))
                             (v128.const f32x4 -87.3 -87.3 -87.3 -87.3)))
    (local.set $k (f32x4.nearest (f32x4.mul (local.get $x)
                                            (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
    (local.set $r (f32x4.sub (local.get $x)
                             (f32x4.mul (local.get $k) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
    (local.set $r (f32x4.sub (local.get $r)
                             (f32x4.mul (local.get $k) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
                             (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
                             (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
                             (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
                             (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
                             (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    ;; p·r² + r + 1
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (local.get $p) (f32x4.mul (local.get $r) (local.get $r)))
                                        (local.get $r))
                             (v128.const f32x4 1 1 1 1)))
    ;; · 2^k: (k + 127) << 23 as the float's bits
    (f32x4.mul (local.get $p)
               (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $k)) (v128.const i32x4 127 127 127 127))
                          (i32.const 23))))

  (func $exp1 (param $x f32) (result f32)
    (f32x4.extract_lane 0 (call $exp4 (f32x4.splat (local.get $x)))))

  (func (export "softmax_ce")
    (param $x i32) (param $bias i32) (param $targets i32) (param $col i32) (param $out i32)
    (param $rows i32) (param $n i32) (param $inv f32)
    (local $r i32) (local $row i32) (local $j i32) (local $n4 i32) (local $rowBytes i32)
    (local $p i32) (local $t i32)
    (local $vmax v128) (local $vsum v128) (local $v v128) (local $vscale v128)
    (local $max f32) (local $sum f32) (local $e f32) (local $scale f32) (local $xt f32)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $row (local.get $x))
    (block $done_r
      (loop $next_r
        (br_if $done_r (i32.ge_u (local.get $r) (local.get $rows)))
        ;; pass 1: x += bias, the row's max
        (local.set $vmax (v128.const f32x4 -inf -inf -inf -inf))
        (local.set $j (i32.const 0))
        (block $done_1
          (loop $next_1
            (br_if $done_1 (i32.ge_u (local.get $j) (local.get $n4)))
            (local.set $p (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $v (f32x4.add (v128.load (local.get $p))
                                     (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))))
            (v128.store (local.get $p) (local.get $v))
            (local.set $vmax (f32x4.max (local.get $vmax) (local.get $v)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $next_1)))
        (local.set $max (f32.max (f32.max (f32x4.extract_lane 0 (local.get $vmax)) (f32x4.extract_lane 1 (local.get $vmax)))
                                 (f32.max (f32x4.extract_lane 2 (local.get $vmax)) (f32x4.extract_lane 3 (local.get $vmax)))))
        (block $done_1t
          (loop $next_1t
            (br_if $done_1t (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $p (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $e (f32.add (f32.load (local.get $p))
                                   (f32.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))))
            (f32.store (local.get $p) (local.get $e))
            (local.set $max (f32.max (local.get $max) (local.get $e)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $next_1t)))
        (local.set $t (i32.load (i32.add (local.get $targets) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $xt (f32.load (i32.add (local.get $row) (i32.shl (local.get $t) (i32.const 2)))))
        ;; pass 2: exp(x − max), its sum
        (local.set $v (f32x4.splat (local.get $max)))
        (local.set $vsum (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $done_2
          (loop $next_2
            (br_if $done_2 (i32.ge_u (local.get $j) (local.get $n4)))
            (local.set $p (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $vscale (call $exp4 (f32x4.sub (v128.load (local.get $p)) (local.get $v))))
            (v128.store (local.get $p) (local.get $vscale))
            (local.set $vsum (f32x4.add (local.get $vsum) (local.get $vscale)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $next_2)))
        (local.set $sum (f32.add (f32.add (f32x4.extract_lane 0 (local.get $vsum)) (f32x4.extract_lane 1 (local.get $vsum)))
                                 (f32.add (f32x4.extract_lane 2 (local.get $vsum)) (f32x4.extract_lane 3 (local.get $vsum)))))
        (block $done_2t
          (loop $next_2t
            (br_if $done_2t (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $p (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $e (call $exp1 (f32.sub (f32.load (local.get $p)) (local.get $max))))
            (f32.store (local.get $p) (local.get $e))
            (local.set $sum (f32.add (local.get $sum) (local.get $e)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $next_2t)))
        ;; the row's sum and max − x_target for the caller's loss
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))) (local.get $sum))
        (f32.store offset=4 (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3)))
                   (f32.sub (local.get $max) (local.get $xt)))
        ;; pass 3: gradient inv · e / sum, into the row and the column sums
        (local.set $scale (f32.div (local.get $inv) (local.get $sum)))
        (local.set $vscale (f32x4.splat (local.get $scale)))
        (local.set $j (i32.const 0))
        (block $done_3
          (loop $next_3
            (br_if $done_3 (i32.ge_u (local.get $j) (local.get $n4)))
            (local.set $p (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $v (f32x4.mul (v128.load (local.get $p)) (local.get $vscale)))
            (v128.store (local.get $p) (local.get $v))
            (local.set $p (i32.add (local.get $col) (i32.shl (local.get $j) (i32.const 2))))
            (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (local.get $v)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $next_3)))
        (block $done_3t
          (loop $next_3t
            (br_if $done_3t (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $p (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $e (f32.mul (f32.load (local.get $p)) (local.get $scale)))
            (f32.store (local.get $p) (local.get $e))
            (local.set $p (i32.add (local.get $col) (i32.shl (local.get $j) (i32.const 2))))
            (f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (local.get $e)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $next_3t)))
        ;; − inv at the target
        (local.set $p (i32.add (local.get $row) (i32.shl (local.get $t) (i32.const 2))))
        (f32.store (local.get $p) (f32.sub (f32.load (local.get $p)) (local.get $inv)))
        (local.set $p (i32.add (local.get $col) (i32.shl (local.get $t) (i32.const 2))))
        (f32.store (local.get $p) (f32.sub (f32.load (local.get $p)) (local.get $inv)))
        (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_r)))))
