/**
 * Previews rendered after intake: each instance's preview state (pending until the render job has
 * stored a thumbnail and a large preview next to the original; failed with the imaging reason when
 * its pixel data cannot be rendered) and, on each study, how many of its instances cannot be shown.
 */
export const sql0005 = `
ALTER TABLE instance ADD COLUMN preview_status text NOT NULL DEFAULT 'pending' CHECK (preview_status IN ('pending', 'ready', 'failed'));
ALTER TABLE instance ADD COLUMN preview_error text;
ALTER TABLE instance ADD COLUMN preview_message text;
ALTER TABLE instance ADD COLUMN preview_width integer;
ALTER TABLE instance ADD COLUMN preview_height integer;
ALTER TABLE instance ADD COLUMN thumbnail_width integer;
ALTER TABLE instance ADD COLUMN thumbnail_height integer;
ALTER TABLE instance ADD COLUMN preview_at timestamptz;
CREATE INDEX instance_preview_pending ON instance (created_at) WHERE preview_status = 'pending';
ALTER TABLE study ADD COLUMN unrenderable_count integer NOT NULL DEFAULT 0;
`;
