// The report types and their fields, as README "Village reports" lists them.
export const CHOICES = {
  category: ['training', 'workshop', 'seminar', 'class', 'discussion', 'other'],
  medium: ['online_news', 'print', 'radio', 'tv', 'social_media', 'other'],
  partner_kind: ['community', 'ngo', 'government', 'private', 'school', 'religious', 'university', 'other'],
  agreement: ['mou', 'letter', 'informal'],
};

// [name, kind, required]; kind: count | text | choice | date | url
export const TYPES = {
  visits: [['visitors', 'count', true], ['women', 'count'], ['men', 'count'], ['children', 'count'], ['youth', 'count'], ['disabled', 'count']],
  activity: [['title', 'text', true], ['category', 'choice', true], ['participants', 'count', true], ['topic', 'text'], ['partner', 'text'],
    ['women', 'count'], ['youth', 'count'], ['entrepreneurs', 'count'], ['disabled', 'count']],
  media: [['outlet', 'text', true], ['medium', 'choice', true], ['url', 'url'], ['headline', 'text']],
  partnership: [['partner_name', 'text', true], ['partner_kind', 'choice', true], ['agreement', 'choice', true], ['ends_on', 'date']],
  ict: [['computer_sessions', 'count', true], ['internet_users', 'count', true], ['trainees', 'count']],
};

/** A one-line summary of a report's main figure. */
export function headline(report) {
  const first = TYPES[report.type]?.[0]?.[0];
  return first ? report[first] : '';
}
