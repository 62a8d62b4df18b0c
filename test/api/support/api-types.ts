import type { components } from '../../../common/src/api/schema';

/** The API's own types, generated from the OpenAPI document, so tests read responses as clients do. */
export type Deployment = components['schemas']['Deployment'];
export type Environment = components['schemas']['Environment'];
export type Problem = components['schemas']['Problem'];
export type PreviewLink = components['schemas']['PreviewLink'];
export type PreviewLinkCreated = components['schemas']['PreviewLinkCreated'];
export type PreviewBypass = components['schemas']['PreviewBypass'];
export type ReviewList = components['schemas']['ReviewList'];
export type WebhookDelivery = components['schemas']['WebhookDelivery'];
export type WebhookDeliveryPage = components['schemas']['WebhookDeliveryPage'];
export type Comment = components['schemas']['Comment'];
export type CommentThread = components['schemas']['CommentThread'];
export type CommentList = components['schemas']['CommentList'];
