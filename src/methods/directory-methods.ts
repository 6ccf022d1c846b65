import type { MethodModule } from '../contract/method';
import createDomain from './domain/create';
import deleteDomain from './domain/delete';
import getDomain from './domain/get';
import searchDomains from './domain/search';
import setDomain from './domain/set';
import testDirectory from './domain/testDirectory';
import createProduct from './product/create';
import deleteProduct from './product/delete';
import getProduct from './product/get';
import searchProducts from './product/search';
import setProduct from './product/set';
import createRepository from './repository/create';
import deleteRepository from './repository/delete';
import getRepository from './repository/get';
import searchRepositories from './repository/search';
import setRepository from './repository/set';
import createUser from './user/create';
import deleteUser from './user/delete';
import getUser from './user/get';
import searchUsers from './user/search';
import setUser from './user/set';

/** Domains, users, products and repositories (SPEC section 3): scope directory. */
export const directoryMethods: MethodModule[] = [
  createDomain, getDomain, searchDomains, setDomain, deleteDomain, testDirectory,
  createUser, getUser, searchUsers, setUser, deleteUser,
  createProduct, getProduct, searchProducts, setProduct, deleteProduct,
  createRepository, getRepository, searchRepositories, setRepository, deleteRepository,
];
