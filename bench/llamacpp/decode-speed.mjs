// Decoding speed of llama.cpp (through node-llama-cpp) on a GGUF file: greedy decoding of MAX_TOKENS tokens after a
// prompt, on THREADS threads; prints prompt and decode tokens per second as "llama.cpp: ...".
// usage: node decode-speed.mjs MODEL.gguf PROMPT MAX_TOKENS THREADS
import {getLlama} from "node-llama-cpp";

const [modelPath, prompt, maxTokens, threads] = process.argv.slice(2);
const llama = await getLlama({gpu: false, logLevel: "error"});
const model = await llama.loadModel({modelPath});
const context = await model.createContext({contextSize: 512, batchSize: 512, threads: Number(threads)});
const sequence = context.getSequence();
const bos = model.tokens.bos;
const promptTokens = [...(bos != null && model.tokens.shouldPrependBosToken ? [bos] : []), ...model.tokenize(prompt)];
let n = 0, first = 0;
const start = process.hrtime.bigint();
for await (const token of sequence.evaluate(promptTokens, {temperature: 0})) {
    if (n === 0) first = process.hrtime.bigint();
    if (++n >= Number(maxTokens)) break;
}
const end = process.hrtime.bigint();
const prefillMs = Number(first - start) / 1e6, decodeMs = Number(end - first) / 1e6;
console.log(`llama.cpp: prompt ${promptTokens.length} tokens in ${prefillMs.toFixed(1)} ms; decode ${n - 1} tokens in ${decodeMs.toFixed(1)} ms `
    + `(${((n - 1) / decodeMs * 1000).toFixed(1)} tokens/s), ${threads} threads`);
await context.dispose();
await model.dispose();
await llama.dispose();
