/** What both harnesses report about a finished run: the items every node emitted, by node name and output index. */

export interface OutputItem {
	json: any; // whatever the node emitted
	[key: string]: unknown;
}

/** Node name → output index → items. A node that ran several times (loops) has its runs' items concatenated. */
export type NodeOutputs = Record<string, OutputItem[][]>;

interface TaskDataLike {
	data?: { main?: Array<OutputItem[] | null> };
}

export function outputsByNode(runData: Record<string, TaskDataLike[]> | undefined): NodeOutputs {
	const outputs: NodeOutputs = {};
	for (const [nodeName, runs] of Object.entries(runData ?? {})) {
		const perOutput: OutputItem[][] = [];
		for (const run of runs) {
			(run.data?.main ?? []).forEach((items, outputIndex) => {
				perOutput[outputIndex] = [...(perOutput[outputIndex] ?? []), ...(items ?? [])];
			});
		}
		outputs[nodeName] = Array.from(perOutput, (items) => items ?? []);
	}
	return outputs;
}
