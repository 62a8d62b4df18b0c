import { type Database, optionalText, type Row, text } from './database';

export type ReviewDecision = 'approve' | 'request_changes';

export interface ReviewRecord {
  id: string;
  deploymentId: string;
  reviewer: string;
  decision: ReviewDecision;
  comment: string | null;
  /** The preview link whose visitor gave it through the feedback widget; null for an API token's review. */
  previewLinkId: string | null;
  createdAt: string;
}

function fromRow(row: Row): ReviewRecord {
  return {
    id: text(row, 'id'),
    deploymentId: text(row, 'deployment_id'),
    reviewer: text(row, 'reviewer'),
    decision: text(row, 'decision') as ReviewDecision,
    comment: optionalText(row, 'comment'),
    previewLinkId: optionalText(row, 'preview_link_id'),
    createdAt: text(row, 'created_at'),
  };
}

/** What stagingd needs of its reviews: the seam another database's store implements (test/api/store-contract.test.ts). */
export interface ReviewStore {
  insert(review: ReviewRecord): Promise<void>;
  list(deploymentId: string): Promise<ReviewRecord[]>;
}

/** Reviews of deployments: approvals and requests for changes, oldest first. */
export class SqlReviewStore implements ReviewStore {
  constructor(private readonly database: Database) {}

  async insert(review: ReviewRecord): Promise<void> {
    await this.database.run(
      `INSERT INTO reviews (id, deployment_id, reviewer, decision, comment, preview_link_id, created_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ${this.database.nextSeq('reviews')})`,
      [review.id, review.deploymentId, review.reviewer, review.decision, review.comment, review.previewLinkId, review.createdAt],
    );
  }

  async list(deploymentId: string): Promise<ReviewRecord[]> {
    // seq breaks ties between reviews made in the same millisecond.
    return (await this.database.all('SELECT * FROM reviews WHERE deployment_id = ? ORDER BY created_at, seq', [deploymentId])).map(fromRow);
  }
}
