/**
 * A portal's pipelines as `GET /crm/v3/pipelines/{objectType}` serves them: HubSpot's default sales pipeline for
 * deals and support pipeline for tickets. A deal's `pipeline`/`dealstage` and a ticket's `hs_pipeline`/
 * `hs_pipeline_stage` take their options from here, so a value no pipeline has is refused (INVALID_OPTION).
 */
import { objectNotFound, validationError } from './errors';

export interface PipelineStage {
	id: string;
	label: string;
	metadata: Record<string, string>;
}

export interface Pipeline {
	id: string;
	label: string;
	stages: PipelineStage[];
}

const stamp = '2020-01-01T00:00:00.000Z';

const dealStage = (id: string, label: string, probability: string): PipelineStage => ({
	id, label, metadata: { isClosed: String(probability === '1.0' || probability === '0.0'), probability },
});
const ticketStage = (id: string, label: string, ticketState: 'OPEN' | 'CLOSED'): PipelineStage => ({
	id, label, metadata: { ticketState, isClosed: String(ticketState === 'CLOSED') },
});

export const pipelinesByObject: Record<'deals' | 'tickets', Pipeline[]> = {
	deals: [{
		id: 'default',
		label: 'Sales Pipeline',
		stages: [
			dealStage('appointmentscheduled', 'Appointment Scheduled', '0.2'),
			dealStage('qualifiedtobuy', 'Qualified To Buy', '0.4'),
			dealStage('presentationscheduled', 'Presentation Scheduled', '0.6'),
			dealStage('decisionmakerboughtin', 'Decision Maker Bought-In', '0.8'),
			dealStage('contractsent', 'Contract Sent', '0.9'),
			dealStage('closedwon', 'Closed Won', '1.0'),
			dealStage('closedlost', 'Closed Lost', '0.0'),
		],
	}],
	tickets: [{
		id: '0',
		label: 'Support Pipeline',
		stages: [
			ticketStage('1', 'New', 'OPEN'),
			ticketStage('2', 'Waiting on contact', 'OPEN'),
			ticketStage('3', 'Waiting on us', 'OPEN'),
			ticketStage('4', 'Closed', 'CLOSED'),
		],
	}],
};

/** The pipelines of an object type that has them (deals, tickets: `0-3`, `0-5` and singular names resolved by the caller). */
export function pipelinesOf(objectName: string): Pipeline[] {
	const pipelines = pipelinesByObject[objectName as keyof typeof pipelinesByObject];
	// (unverified) HubSpot's answer for an object without pipelines; the connector asks only for deals and tickets.
	if (!pipelines) throw validationError(`Pipelines are not supported for object type ${objectName}`);
	return pipelines;
}

/** One pipeline as the API presents it. */
export function presentPipeline(pipeline: Pipeline, displayOrder: number): Record<string, unknown> {
	return {
		id: pipeline.id,
		label: pipeline.label,
		displayOrder,
		stages: pipeline.stages.map((stage, index) => ({
			id: stage.id, label: stage.label, displayOrder: index, metadata: stage.metadata,
			createdAt: stamp, updatedAt: stamp, archived: false, writePermissions: 'CRUD_ALL',
		})),
		createdAt: stamp,
		updatedAt: stamp,
		archived: false,
	};
}

export function findPipeline(objectName: string, pipelineId: string): { pipeline: Pipeline; index: number } {
	const pipelines = pipelinesOf(objectName);
	const index = pipelines.findIndex((pipeline) => pipeline.id === pipelineId);
	if (index < 0) throw objectNotFound(`Unable to find pipeline ${pipelineId}`);
	return { pipeline: pipelines[index], index };
}

/** The enumeration options of the pipeline properties: pipeline ids, and every pipeline's stage ids with their labels. */
export function pipelineOptions(objectName: 'deals' | 'tickets'): { pipelines: Array<{ value: string; label: string }>; stages: Array<{ value: string; label: string }> } {
	const pipelines = pipelinesByObject[objectName];
	return {
		pipelines: pipelines.map((pipeline) => ({ value: pipeline.id, label: pipeline.label })),
		stages: pipelines.flatMap((pipeline) => pipeline.stages.map((stage) => ({ value: stage.id, label: stage.label }))),
	};
}
