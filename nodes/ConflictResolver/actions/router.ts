import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation } from '../../shared/operationRouter';
import { NEEDS_REVIEW } from './common';
import * as decide from './decide.operation';
import * as listReviews from './listReviews.operation';
import * as resolve from './resolve.operation';

const operations = { resolve, listReviews, decide };

/** Outputs: Apply to Local, Apply to External, Needs Review (which also takes the error items under Continue On Fail). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return routeOperation(this, operations, { count: 3, errorOutput: NEEDS_REVIEW });
}
