-- keycloak-sms-login: the app's login-method tables (the original app's schema, plus the unique key).
-- Keycloak creates what is missing at start; a DBA may run this file instead and grant no CREATE privilege.

CREATE TABLE IF NOT EXISTS `user` (
  `id` INT NOT NULL AUTO_INCREMENT,
  `name` VARCHAR(20) NOT NULL,
  `age` INT NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS `user_login_method` (
  `id` INT NOT NULL AUTO_INCREMENT,
  `user_id` INT NOT NULL,
  `login_method` VARCHAR(36) NOT NULL,
  `identification` VARCHAR(36) NOT NULL,
  `access_code` VARCHAR(36) NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_user_login_method_identification` (`login_method`, `identification`),
  KEY `idx_user_login_method_user_id` (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
