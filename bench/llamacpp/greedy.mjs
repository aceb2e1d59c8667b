// Greedy decoding of a GGUF file with llama.cpp (through node-llama-cpp): prints the prompt's token ids and the
// generated ids, one line each, as "prompt: ..." and "tokens: ...".
// usage: node greedy.mjs MODEL.gguf PROMPT MAX_TOKENS
import {getLlama} from "node-llama-cpp";

const [modelPath, prompt, maxTokens] = process.argv.slice(2);
const llama = await getLlama({gpu: false, logLevel: "error"});
const model = await llama.loadModel({modelPath});
const context = await model.createContext({contextSize: Math.min(512, model.trainContextSize), batchSize: 512});
const sequence = context.getSequence();
const bos = model.tokens.bos;
const promptTokens = [...(bos != null && model.tokens.shouldPrependBosToken ? [bos] : []), ...model.tokenize(prompt)];
const eos = model.tokens.eos;
const out = [];
for await (const token of sequence.evaluate(promptTokens, {temperature: 0})) {
    if (token === eos || token === bos) break;
    out.push(token);
    if (out.length >= Number(maxTokens)) break;
}
console.log("prompt: " + promptTokens.join(" "));
console.log("tokens: " + out.join(" "));
console.log("text: " + JSON.stringify(model.detokenize(out)));
await context.dispose();
await model.dispose();
await llama.dispose();
