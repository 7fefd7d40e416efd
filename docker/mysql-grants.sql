-- Run once by the mysql image at first start (docker-compose.yml), after it created MYSQL_USER.
-- Keycloak's transaction manager runs XA recovery on the login-methods datasource: MySQL 8 needs this.
GRANT XA_RECOVER_ADMIN ON *.* TO 'keycloak_sms'@'%';
