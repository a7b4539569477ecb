import { useTranslation } from 'react-i18next';
import { useAuthorizedImage } from './useAuthorizedImage';

/** A stored thumbnail (or the server's reason why there is none), fetched with the session token. */
export function Thumbnail({ url, alt, className = 'thumb' }: { url: string; alt: string; className?: string }) {
  const { t } = useTranslation();
  const image = useAuthorizedImage(url);
  if (image.src) return <img className={className} src={image.src} alt={alt} data-testid="thumbnail" />;
  if (image.error) {
    return (
      <span
        className={`${className} thumb-missing`}
        data-testid="thumbnail-missing"
        data-reason={image.error.code}
        title={image.error.message}
      >
        {t('viewer.noThumbnail')}
      </span>
    );
  }
  return <span className={`${className} thumb-loading`} aria-busy="true" />;
}
