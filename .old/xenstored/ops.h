/* Handlers of the tree, watch and transaction requests (see wire.c's table). */
#ifndef XSD_OPS_H
#define XSD_OPS_H

struct req;

int	 do_read(struct req *);
int	 do_write(struct req *);
int	 do_mkdir(struct req *);
int	 do_rm(struct req *);
int	 do_directory(struct req *);
int	 do_directory_part(struct req *);
int	 do_get_perms(struct req *);
int	 do_set_perms(struct req *);
int	 do_watch(struct req *);
int	 do_unwatch(struct req *);
int	 do_reset_watches(struct req *);
int	 do_transaction_start(struct req *);
int	 do_transaction_end(struct req *);

#endif
