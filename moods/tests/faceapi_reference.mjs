// face-api's own networks on given inputs: the reference our rebuilt ones must match.
//
// stdin:  {"faces": [[112 * 112 * 3 numbers, RGB 0..255, row-major HWC], ...]}
// stdout: {"landmarks": [[136 numbers: x0, y0, x1, y1, ... as fractions of the side], ...],
//          "expressions": [[7 probabilities: neutral happy sad angry fearful disgusted surprised], ...]}
//
// The node-wasm build of face-api needs only @tensorflow/tfjs and its wasm
// backend from npm (no native download, unlike the default tfjs-node build).
// We run tfjs's plain CPU backend: JavaScript float32 kernels, no SIMD/threads
// detection, so the reference does not depend on this machine.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const MODEL_DIR = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
const SIDE = 112;

await faceapi.tf.setBackend('cpu');
await faceapi.tf.ready();
await faceapi.nets.faceLandmark68Net.loadFromDisk(MODEL_DIR);
await faceapi.nets.faceExpressionNet.loadFromDisk(MODEL_DIR);

async function run(net, pixels) {
  const input = faceapi.tf.tensor3d(pixels, [SIDE, SIDE, 3], 'float32');
  const output = await net.forward(input);
  const values = Array.from(await output.data());
  faceapi.tf.dispose([input, output]);
  return values;
}

const { faces } = JSON.parse(readFileSync(0, 'utf8'));
const landmarks = [];
const expressions = [];
for (const pixels of faces) {
  landmarks.push(await run(faceapi.nets.faceLandmark68Net, pixels));
  expressions.push(await run(faceapi.nets.faceExpressionNet, pixels));
}
process.stdout.write(JSON.stringify({ landmarks, expressions }));
