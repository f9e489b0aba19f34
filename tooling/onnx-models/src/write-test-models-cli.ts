/**
 * `node src/write-test-models-cli.ts [directory]`: write the test models
 * (default `./.cache/onnx-test-models`).
 */
import { resolve } from "node:path";
import { writeTestModels } from "./test-models.ts";

const directories = await writeTestModels(resolve(process.argv[2] ?? ".cache/onnx-test-models"));
console.log(JSON.stringify(directories, null, 2));
