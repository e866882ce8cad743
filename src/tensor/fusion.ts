/**
 * Switching the engine's fusion on and off (`setFusion`, `fusionEnabled`); how it works is in
 * `_fusion.ts`.
 * @module
 */
export { fusionEnabled, setFusion } from "./_fusion.ts";
