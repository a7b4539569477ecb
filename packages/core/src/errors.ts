/** Base of the domain errors; the web layer maps each subclass to one HTTP status. */
export class TeleradError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = this.constructor.name;
  }
}

/** Input that can never succeed as sent (bad JSON, missing field, corrupt file). */
export class ValidationError extends TeleradError {}
/** No or unknown credentials. */
export class UnauthenticatedError extends TeleradError {}
/** Known caller without the right to this resource or action. */
export class ForbiddenError extends TeleradError {}
export class NotFoundError extends TeleradError {}
/** The resource is in a state that does not allow the action (already signed, claimed by another…). */
export class ConflictError extends TeleradError {}
/** A radiologist tried to open a study while a more urgent one waits in their worklist. */
export class MoreUrgentStudyError extends ConflictError {}
/** The request body (or one part of it) is larger than the configured limit. */
export class PayloadTooLargeError extends ValidationError {}
/** The request's media type is not one this endpoint accepts. */
export class UnsupportedMediaTypeError extends ValidationError {}
/** None of the representations the request accepts can be produced (HTTP 406); the message says why. */
export class NotAcceptableError extends TeleradError {}
