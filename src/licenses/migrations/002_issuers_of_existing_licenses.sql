-- Licenses issued before the registry of authorised issuers existed keep verifying: their
-- issuers are recorded as authorised from the day of their first license of the type.
insert into license_type_issuers (license_type, department_code, legal_basis, valid_from, created_by)
select l.type_key, l.issuer_code, 'recorded from the licenses issued before the registry of authorised issuers existed',
       min((l.created_at at time zone 'Asia/Shanghai')::date), 'migration'
  from licenses l
  join departments d on d.code = l.issuer_code
 group by l.type_key, l.issuer_code;
