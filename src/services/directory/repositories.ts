import { E } from '../../errors';
import type { Resource } from './resource';

export const REPOSITORIES: Resource = {
  noun: 'repository',
  table: 'repositories',
  from: 'repositories t',
  select: 't.id, t.name, t.description, t.created_at AS "createdAt"',
  live: 'TRUE',
  defaultOrder: 't.name',
  fields: {
    id: { column: 't.id', type: 'uuid' },
    name: { column: 't.name', type: 'text' },
    description: { column: 't.description', type: 'text' },
    createdAt: { column: 't.created_at', type: 'time' },
  },
  writable: { name: 'name', description: 'description' },
  unique: { repositories_name_key: ['name'] },
  notFound: E.REPOSITORY_NOT_FOUND,
};
