import type { IExecuteFunctions } from 'n8n-workflow';

import { parseJsonParameter } from './jsonParameter';

/**
 * A list the user gives either as rows edited in the node (a fixedCollection) or as a JSON array (for bulk edits or a
 * list kept elsewhere), the choice made by a mode parameter whose value `json` means the JSON parameter.
 */
export interface TableOrJsonParameter<Row, Value> {
	/** The mode parameter and its default. */
	mode: { name: string; default: string };
	/** The JSON parameter and its label in errors. */
	json: { name: string; label: string };
	/** The fixedCollection's rows, e.g. `rules.rule`. */
	rows: string;
	fromRow: (row: Row) => Value;
}

/** The list as given, read once per execution (item 0). */
export function readTableOrJson<Row, Value>(context: IExecuteFunctions, parameter: TableOrJsonParameter<Row, Value>): Value[] {
	if (context.getNodeParameter(parameter.mode.name, 0, parameter.mode.default) === 'json') {
		return parseJsonParameter<Value[]>(context, context.getNodeParameter(parameter.json.name, 0), parameter.json.label);
	}
	return (context.getNodeParameter(parameter.rows, 0, []) as Row[]).map(parameter.fromRow);
}
