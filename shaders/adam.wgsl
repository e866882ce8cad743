// Fused Adam step of one parameter tensor, in place (PyTorch 1.13 `torch.optim.Adam`; with decoupled
// weight decay it is `torch.optim.AdamW` / fastai v0.7's Stepper):
//   decoupled wd: p *= 1 - lr*wd          L2 wd: g += wd*p
//   m = beta1*m + (1-beta1)*g ;  v = beta2*v + (1-beta2)*g*g
//   denom = sqrt(amsgrad ? (vmax = max(vmax, v)) : v) / sqrt(bc2) + eps
//   p -= (lr / bc1) * m / denom
// The bias corrections bc1 = 1 - beta1^t, bc2 = 1 - beta2^t (current betas, as PyTorch) come from the CPU in
// H.step_size = lr/bc1 and H.bc2_sqrt, written with the hyperparameters.
// The rule is `_adam.wgsl` and the kernels `_optim_step.wgsl`; `adam_vec4.wgsl` is the same over vec4<f32>.
alias T = f32;
const LANES: u32 = 1u;
//#include "_adam.wgsl"
