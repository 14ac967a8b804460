/** The Worker entry: one recommender host per worker, exposed over comlink. */
import { expose } from 'comlink';
import { RecommenderHost } from './host.ts';

expose(new RecommenderHost());
