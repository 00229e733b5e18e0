// placeholder: the libmosquitto client lands here
